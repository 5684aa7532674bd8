// swift-tools-version: 6.1
// ftft — Fine-Tuning by transFerring Training dynamics, in Swift.
//
// Modules follow the pipeline: tensors → encoder → training → cartography → experiments → command line.
// C libraries sit behind system-library targets, each imported by exactly one Swift module:
//   CBLAS (OpenBLAS)  → FTFTTensors
//   CCPUID (cpuid)    → FTFTTensors
//   CZlib (zlib)      → FTFTIO
//   SQLite            → through GRDB.swift, imported by FTFTStore only
import PackageDescription

// The numeric modules are compiled with optimisation in debug builds too: `swift test` then runs real-sized
// training steps (a MiniLM-L6-sized step, thread-count checks) in seconds instead of minutes, and the debug and
// release builds compute the same bits (Swift's -O does not reassociate or contract floating-point arithmetic).
let optimizedEvenInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "ftft",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ftft", targets: ["ftft"]),
        .library(name: "FTFTEncoder", targets: ["FTFTEncoder"]),
        .library(name: "FTFTCartography", targets: ["FTFTCartography"]),
        .library(name: "FTFTExperiments", targets: ["FTFTExperiments"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.0"),
        // package-benchmark for Benchmarks/ (only the MallocInterposer trait: RuntimeInterposer needs a package
        // that is not available here).
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        // MARK: C at the edge
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // cpuid and XGETBV (header only): which BLAS kernels this CPU can run.
        .systemLibrary(name: "CCPUID", path: "Sources/CCPUID"),

        // MARK: The pipeline
        // The git commit this binary was built from (written by BuildInfoPlugin at build time; a build command with
        // git's HEAD, index and branch ref as inputs since 2026-12-03 — editing this manifest makes an existing
        // .build plan again, so the new command replaces the old prebuild one, which a reused plan never ran).
        .target(name: "FTFTBuildInfo", plugins: ["BuildInfoPlugin"]),
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        // The one seeded RNG (Philox streams) and the deterministic parallel loops. No C library, so the
        // modules that need only these (data, cartography) do not link OpenBLAS.
        .target(name: "FTFTDeterminism", swiftSettings: optimizedEvenInDebug),
        // Float32 buffers, the counted GEMM wrapper, OpenBLAS's runtime; re-exports FTFTDeterminism.
        .target(name: "FTFTTensors", dependencies: ["CBLAS", "CCPUID", "FTFTDeterminism"], swiftSettings: optimizedEvenInDebug),
        // Gzip-transparent line reading, atomic file writes, small JSON helpers.
        .target(name: "FTFTIO", dependencies: ["CZlib"]),
        // BERT-family encoder classifier: parameters, layers (forward/backward), safetensors, HF checkpoints.
        .target(name: "FTFTEncoder", dependencies: ["FTFTTensors", "FTFTIO"], swiftSettings: optimizedEvenInDebug),
        // AdamW, the warmup schedule, clipping, the training loop, checkpoints, evaluation.
        .target(name: "FTFTTraining", dependencies: ["FTFTEncoder", "FTFTIO", "FTFTTensors"], swiftSettings: optimizedEvenInDebug),
        // WordPiece tokenizer with Hugging Face parity.
        .target(name: "FTFTText", dependencies: ["FTFTIO"]),
        // Data-set readers, task definitions, splits, the embedded task, and the tokenizer adapters that turn
        // a task's examples into token ids (`ExampleEncoder`: WordPiece or the embedded vocabulary).
        .target(name: "FTFTData", dependencies: ["FTFTIO", "FTFTText", "FTFTDeterminism"]),
        // Training dynamics → data maps → selection → diagnostics and plots. Independent of the engine and of
        // OpenBLAS (FTFTDeterminism for `SeededRandom`, random selection, and the parallel loops).
        .target(name: "FTFTCartography", dependencies: ["FTFTIO", "FTFTDeterminism"]),
        // The SQLite run store (GRDB): runs, evaluations, dynamics, data maps, selections.
        .target(name: "FTFTStore", dependencies: [
            "FTFTCartography", "FTFTIO", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // Methods (ERM, ERM(ES), DM, Random DM, FTFT), the compute ledger, experiment files, tables, reports.
        .target(name: "FTFTExperiments", dependencies: [
            "FTFTTraining", "FTFTEncoder", "FTFTTensors", "FTFTDeterminism", "FTFTIO", "FTFTData", "FTFTCartography",
            "FTFTStore", "FTFTBuildInfo", "Yams",
        ]),
        // The `ftft` subcommands (a library so tests can run them in-process).
        .target(name: "FTFTCommandLine", dependencies: [
            "FTFTExperiments", "FTFTTraining", "FTFTEncoder", "FTFTTensors", "FTFTIO", "FTFTText", "FTFTData", "FTFTCartography", "FTFTStore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "ftft", dependencies: ["FTFTCommandLine"]),

        // MARK: Benchmarks (`swift package benchmark`; see Benchmarks/README.md)
        .executableTarget(
            name: "TrainingStep",
            dependencies: ["FTFTBenchmarkSupport", "FTFTEncoder", "FTFTTensors", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/TrainingStep",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // The regression gate (bounds in Benchmarks/thresholds.json) and the in-process yardsticks of the suites below.
        .target(name: "FTFTBenchmarkSupport", dependencies: ["FTFTTensors", "FTFTDeterminism", "FTFTCartography"], path: "Benchmarks/Support"),
        .executableTarget(
            name: "Kernels",
            dependencies: ["FTFTBenchmarkSupport", "FTFTEncoder", "FTFTTensors", "FTFTTraining", "FTFTTestSupport",
                           .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/Kernels",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "DataPath",
            dependencies: ["FTFTBenchmarkSupport", "FTFTText", "FTFTData", "FTFTCartography", "FTFTStore", "FTFTIO",
                           "FTFTTensors", "FTFTTestSupport", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/DataPath",
            exclude: ["make_tokenizer_reference.py", "tokenizer-reference.json"],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "PipelineCost",
            dependencies: ["FTFTBenchmarkSupport", "FTFTExperiments", "FTFTStore", "FTFTEncoder", "FTFTTensors",
                           .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/PipelineCost",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),

        // MARK: Tests
        .target(name: "FTFTTestSupport", dependencies: ["FTFTIO"], path: "Tests/FTFTTestSupport"),
        .testTarget(name: "DeterminismTests", dependencies: ["FTFTDeterminism"]),
        .testTarget(name: "TensorsTests", dependencies: ["FTFTTensors", "FTFTTestSupport"]),
        .testTarget(name: "EncoderTests", dependencies: ["FTFTEncoder", "FTFTTensors", "FTFTTestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["FTFTTraining", "FTFTEncoder", "FTFTTensors", "FTFTTestSupport"]),
        .testTarget(name: "TextTests", dependencies: ["FTFTText", "FTFTIO", "FTFTTestSupport"]),
        .testTarget(name: "DataTests", dependencies: ["FTFTData", "FTFTIO", "FTFTDeterminism", "FTFTTestSupport"]),
        .testTarget(name: "CartographyTests", dependencies: ["FTFTCartography", "FTFTIO", "FTFTDeterminism", "FTFTTestSupport"]),
        .testTarget(name: "StoreTests", dependencies: ["FTFTStore", "FTFTCartography", "FTFTTestSupport"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["FTFTExperiments", "FTFTData", "FTFTEncoder", "FTFTStore", "FTFTTraining", "FTFTTestSupport"]),
        .testTarget(name: "CommandLineTests", dependencies: [
            "FTFTCommandLine", "FTFTExperiments", "FTFTCartography", "FTFTStore", "FTFTTensors", "FTFTTraining", "FTFTTestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "ReliabilityTests", dependencies: [
            "FTFTCommandLine", "FTFTExperiments", "FTFTStore", "FTFTCartography", "FTFTData", "FTFTText", "FTFTEncoder",
            "FTFTTensors", "FTFTIO", "FTFTBuildInfo", "FTFTTestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], exclude: ["Corpus"]),
        // The researcher's workflow (issue 16) through the real `ftft` binary: own data, export, external references,
        // progress and log lines, reports for scripts, the command-line vocabulary.
        // Runs the built `ftft` executable (built by `swift build --build-tests`); imports no ftft module.
        .testTarget(name: "WorkflowTests", dependencies: ["FTFTCartography", "FTFTData", "FTFTEncoder", "FTFTTensors",
                                                        "FTFTTestSupport"]),
    ]
)
