/**
 * A small U-Net: two encoder stages (conv-conv, then 2x2 max pooling), a bottleneck, and two
 * decoder stages that upsample and concatenate the encoder's features of the same resolution
 * (the skip connections that keep the fine detail pooling threw away), then a 1x1 conv to one
 * logit per pixel. The first upsampling is learned (ConvTranspose2d, kernel 2, stride 2), the
 * second fixed (bilinear Upsample, then a conv), so both decoder layers are used.
 */
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

const { nn } = nb;

function block(cin: number, cout: number): nb.nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(cin, cout, 3, { padding: 1 }), new nn.BatchNorm2d(cout), new nn.ReLU(),
    new nn.Conv2d(cout, cout, 3, { padding: 1 }), new nn.BatchNorm2d(cout), new nn.ReLU(),
  );
}

export class UNet extends nb.Module {
  enc1: nb.nn.Sequential;
  enc2: nb.nn.Sequential;
  mid: nb.nn.Sequential;
  pool = new nn.MaxPool2d(2);
  up2: nb.nn.ConvTranspose2d;
  dec2: nb.nn.Sequential;
  up1 = new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false });
  reduce1: nb.nn.Conv2d;
  dec1: nb.nn.Sequential;
  head: nb.nn.Conv2d;

  constructor(readonly width = 8) {
    super();
    const c = width;
    this.enc1 = block(1, c);
    this.enc2 = block(c, 2 * c);
    this.mid = block(2 * c, 4 * c);
    this.up2 = new nn.ConvTranspose2d(4 * c, 2 * c, 2, { stride: 2 });
    this.dec2 = block(4 * c, 2 * c);
    this.reduce1 = new nn.Conv2d(2 * c, c, 1);
    this.dec1 = block(2 * c, c);
    this.head = new nn.Conv2d(c, 1, 1);
  }

  /** x [N, 1, S, S] (S divisible by 4) -> logits [N, 1, S, S]. */
  forward(x: Tensor): Tensor {
    const e1 = this.enc1.forward(x);
    const e2 = this.enc2.forward(this.pool.forward(e1));
    const m = this.mid.forward(this.pool.forward(e2));
    const d2 = this.dec2.forward(nb.cat([this.up2.forward(m), e2], 1));
    const d1 = this.dec1.forward(nb.cat([this.reduce1.forward(this.up1.forward(d2)), e1], 1));
    return this.head.forward(d1);
  }
}
