// Winograd F(2x2, 3x3) for 3x3 stride-1 convolutions with enough channels (conv_winograd.cc):
// each 2x2 block of outputs costs 16 multiply-adds per channel pair instead of 36.
#pragma once
#include "common.h"

namespace nabla {

// Whether conv2d / conv2dBackwardInput / conv2dBackwardWeight of `g` take the Winograd path:
// 3x3, stride 1, dilation 1, one group, at least 8 input and 8 output channels, and one image's
// transformed tiles small enough for the cache. NABLA_CONV_WINOGRAD=0 turns the path off.
bool winogradForwardOk(const ConvGeom& g);
bool winogradBackwardInputOk(const ConvGeom& g);
bool winogradBackwardWeightOk(const ConvGeom& g);

void conv2dWinograd(const float* x, const float* w, const float* bias, const ConvGeom& g, float* y);
void conv2dBackwardInputWinograd(const float* dy, const float* w, const ConvGeom& g, float* dx);
void conv2dBackwardWeightWinograd(const float* x, const float* dy, const ConvGeom& g, float* dw, float* db);

}  // namespace nabla
