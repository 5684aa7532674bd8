import Foundation
import FTFTStore
import Testing
@testable import FTFTExperiments

/// A run reused or resumed from a store made with another OpenBLAS build or kernel says so, naming both (issue 11);
/// the same build and kernel say nothing. Table and report cells read the build and kernel from the provenance.
@Suite("OpenBLAS provenance")
struct BLASProvenanceTests {
    static func provenance(configuration: String, core: String, build: String?) -> RunProvenance {
        RunProvenance(swiftCompiler: "Swift", operatingSystem: "Linux", blasConfiguration: configuration, blasCoreName: core,
                      blasBuild: build, threads: 2, dataFiles: [:])
    }


    let phase = PhaseDescription(title: "ERM large", seed: 3, model: "large", role: .main, maxSteps: 10,
                                 trainingExamples: 100, batchSize: 10)

    @Test func anotherKernelOrBuildIsNamedSameOnesAreSilent() throws {
        let zen = Self.provenance(configuration: "OpenBLAS 0.3.21 DYNAMIC_ARCH Zen MAX_THREADS=64", core: "Zen",
                                  build: "OpenBLAS 0.3.21 DYNAMIC_ARCH MAX_THREADS=64")
        let haswell = Self.provenance(configuration: "OpenBLAS 0.3.21 DYNAMIC_ARCH Haswell MAX_THREADS=64", core: "Haswell",
                                      build: "OpenBLAS 0.3.21 DYNAMIC_ARCH MAX_THREADS=64")
        let newer = Self.provenance(configuration: "OpenBLAS 0.3.26 DYNAMIC_ARCH Haswell MAX_THREADS=64", core: "Haswell",
                                    build: "OpenBLAS 0.3.26 DYNAMIC_ARCH MAX_THREADS=64")
        #expect(PhaseRunner.blasMismatch(try haswell.json(), of: RunID(7), current: haswell, reusing: true, phase: phase) == nil)
        let kernel = try #require(PhaseRunner.blasMismatch(try zen.json(), of: RunID(7), current: haswell, reusing: false, phase: phase))
        #expect(kernel.contains("kernel Zen") && kernel.contains("kernel Haswell") && kernel.contains("run 7")
                && kernel.contains("not be bit-identical") && kernel.contains("--blas-kernel Zen"))
        let build = try #require(PhaseRunner.blasMismatch(try newer.json(), of: RunID(7), current: haswell, reusing: true, phase: phase))
        #expect(build.contains("0.3.26") && build.contains("0.3.21") && build.contains("reused"))
        // A provenance recorded before `blasBuild` existed: the build is derived from the configuration string.
        let old = Self.provenance(configuration: "OpenBLAS 0.3.21 DYNAMIC_ARCH Haswell MAX_THREADS=64", core: "Haswell", build: nil)
        #expect(PhaseRunner.blasMismatch(try old.json(), of: RunID(7), current: haswell, reusing: true, phase: phase) == nil)
        #expect(BLASIdentity(provenanceJSON: try old.json()) == BLASIdentity(build: "OpenBLAS 0.3.21 DYNAMIC_ARCH MAX_THREADS=64",
                                                                             kernel: "Haswell"))
    }
}
