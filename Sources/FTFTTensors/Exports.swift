// FTFTTensors re-exports FTFTDeterminism (the seeded RNG and the deterministic parallel loops): every kernel
// that takes a `SeededRandom` or splits rows over threads also uses buffers and GEMMs, so a module that imports
// FTFTTensors gets both. Modules without BLAS (FTFTData, FTFTCartography) import FTFTDeterminism alone.
@_exported import FTFTDeterminism
