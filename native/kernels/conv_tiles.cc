// Register-tile loops of the direct convolution: the portable build of conv_tiles_impl.h and the
// choice of the build that matches the ISA in use (isa(); setIsa switches it too).
#include <cstring>

#define NABLA_CONV_NS conv_generic
#define NABLA_CONV_GETTER convTilesGeneric
#include "conv_tiles_impl.h"

namespace nabla {

const ConvTable* convTiles() {
#ifdef NABLA_X86
  const char* n = isa()->name;
  if (!std::strcmp(n, "avx512")) return convTilesAvx512();
  if (!std::strcmp(n, "avx2")) return convTilesAvx2();
#endif
  return convTilesGeneric();
}

const ConvTable* convTilesWinograd() {
#ifdef NABLA_X86
  if (!std::strcmp(isa()->name, "avx512") && cpuIsAmd()) return convTilesAvx2();
#endif
  return convTiles();
}

}  // namespace nabla
