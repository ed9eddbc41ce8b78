/** Types of scripts/peers.mjs (on-demand tool dependencies). */
export interface PeerState {
  name: string;
  version: string;
  installed: boolean;
}
export function peerStatus(dir: string): PeerState[];
export function installCommand(env?: NodeJS.ProcessEnv): { cmd: string; args: string[] };
export function ensurePeers(dir: string, opts?: { log?: (line: string) => void; what?: string; size?: string }): boolean;
