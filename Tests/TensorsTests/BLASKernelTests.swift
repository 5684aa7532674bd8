import Testing
@testable import FTFTTensors

/// Pinning OpenBLAS's kernel (issue 11): names, what each kernel needs, and the decision for this machine. Tests
/// never switch kernels (that restarts the process); they pin the kernel the machine already runs and check the
/// refusal of one it cannot run.
@Suite("BLAS kernels")
struct BLASKernelTests {
    @Test func namesAreMatchedWhateverTheirCapitalisation() {
        #expect(BLASKernel.canonicalName("haswell") == "Haswell")
        #expect(BLASKernel.canonicalName("SKYLAKEX") == "SkylakeX")
        #expect(BLASKernel.canonicalName("zen") == "Zen")
        #expect(BLASKernel.canonicalName("Zen3") == nil)
    }

    @Test func requirementsAreCheckedFeatureByFeature() throws {
        let zen3 = CPUFeatures(isX86: true, features: [.sse2, .sse3, .ssse3, .sse41, .sse42, .sse4a, .avx, .avx2, .fma])
        #expect(BLASKernel.missingFeatures("Haswell", on: zen3) == [])
        #expect(BLASKernel.missingFeatures("SkylakeX", on: zen3) == [.avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl])
        #expect(BLASKernel.missingFeatures("Bulldozer", on: zen3) == [.fma4, .xop])
        #expect(BLASKernel.missingFeatures("Nope", on: zen3) == nil)
        #expect(!BLASKernel.runnable(on: zen3).contains("Cooperlake") && BLASKernel.runnable(on: zen3).contains("Zen"))
        // The decision: already running, restart, or refusal — on a described CPU.
        #expect(try BLASKernel.pin("haswell", running: "Haswell", cpu: zen3) == .alreadyRunning("Haswell"))
        #expect(try BLASKernel.pin("Haswell", running: "Zen", cpu: zen3) == .restart(coreType: "Haswell"))
        #expect(throws: BLASKernelError.unsupported(requested: "Cooperlake",
                                                    missing: ["AVX512F", "AVX512CD", "AVX512BW", "AVX512DQ", "AVX512VL", "AVX512_BF16"],
                                                    runnable: BLASKernel.runnable(on: zen3))) {
            try BLASKernel.pin("Cooperlake", running: "Zen", cpu: zen3)
        }
        #expect(throws: BLASKernelError.notX86(requested: "Haswell", running: "ARMV8")) {
            try BLASKernel.pin("Haswell", running: "ARMV8", cpu: CPUFeatures(isX86: false, features: []))
        }
    }

    /// On this machine: its own kernel pins without a restart, and a kernel its CPU cannot run (per cpuid) is refused.
    @Test func thisMachinesKernelPinsAndOneItCannotRunIsRefused() throws {
        let running = BLASRuntime.coreName
        if let name = BLASKernel.canonicalName(running) {
            #expect(try BLASKernel.pin(running) == .alreadyRunning(name))
        }
        let cpu = CPUFeatures.current
        guard cpu.isX86 else { return }
        #expect(cpu.has(.sse2), "cpuid reads no SSE2 on an x86-64 CPU: \(cpu.features)")
        // No x86-64 CPU has both FMA4 (AMD family 15h only) and AVX-512: one of these kernels is always refused.
        let refusable = try #require(BLASKernel.requirements.first { !(BLASKernel.missingFeatures($0.name, on: cpu) ?? []).isEmpty },
                                     "this CPU claims every kernel's features: \(cpu.features)")
        #expect(throws: BLASKernelError.self) { try BLASKernel.pin(refusable.name) }
    }
}
