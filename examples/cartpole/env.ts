/**
 * CartPole, the classic control problem of Barto, Sutton and Anderson (1983), with the
 * constants and Euler integration of OpenAI Gym's CartPole-v0: a pole hinged on a cart that
 * moves on a frictionless track; each step the agent pushes the cart left or right with 10 N.
 * The episode ends when the pole leans more than 12 degrees, the cart leaves |x| <= 2.4 m, or
 * after 200 steps; every step (including the last) is worth reward 1. "Solved" means an average
 * return of at least 195 over 100 consecutive episodes.
 *
 * Dynamics (pole of half-length l, masses m_c and m_p, F = +-10 N), per 0.02 s step:
 *   temp   = (F + m_p l theta'^2 sin theta) / (m_c + m_p)
 *   theta" = (g sin theta - cos theta temp) / (l (4/3 - m_p cos^2 theta / (m_c + m_p)))
 *   x"     = temp - m_p l theta" cos theta / (m_c + m_p)
 *   x += tau x', x' += tau x", theta += tau theta', theta' += tau theta"
 */
import type { Rng } from '../shared/rng.js';

export const GRAVITY = 9.8;
export const MASS_CART = 1.0;
export const MASS_POLE = 0.1;
export const HALF_LENGTH = 0.5;
export const FORCE = 10.0;
export const TAU = 0.02;
export const THETA_LIMIT = (12 * 2 * Math.PI) / 360;
export const X_LIMIT = 2.4;
export const MAX_STEPS = 200;
export const SOLVED_RETURN = 195;

/** [x, x', theta, theta'] */
export type State = [number, number, number, number];

export class CartPole {
  state: State = [0, 0, 0, 0];
  steps = 0;
  done = true;

  /** A new episode from a uniform random state in [-0.05, 0.05]^4. */
  reset(rng: Rng): State {
    this.state = [rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05)];
    this.steps = 0;
    this.done = false;
    return [...this.state];
  }

  /** Pushes left (action 0) or right (1); returns the new state, reward 1 and whether the episode ended. */
  step(action: number): { state: State; reward: number; done: boolean } {
    if (this.done) throw new Error('CartPole.step: the episode has ended; call reset() first');
    if (action !== 0 && action !== 1) throw new Error(`CartPole.step: action must be 0 (left) or 1 (right), got ${action}`);
    const [x, xDot, th, thDot] = this.state;
    const f = action === 1 ? FORCE : -FORCE;
    const cos = Math.cos(th);
    const sin = Math.sin(th);
    const total = MASS_CART + MASS_POLE;
    const pml = MASS_POLE * HALF_LENGTH;
    const temp = (f + pml * thDot * thDot * sin) / total;
    const thAcc = (GRAVITY * sin - cos * temp) / (HALF_LENGTH * (4 / 3 - (MASS_POLE * cos * cos) / total));
    const xAcc = temp - (pml * thAcc * cos) / total;
    this.state = [x + TAU * xDot, xDot + TAU * xAcc, th + TAU * thDot, thDot + TAU * thAcc];
    this.steps++;
    const fell = Math.abs(this.state[0]) > X_LIMIT || Math.abs(this.state[2]) > THETA_LIMIT;
    this.done = fell || this.steps >= MAX_STEPS;
    return { state: [...this.state], reward: 1, done: this.done };
  }
}
