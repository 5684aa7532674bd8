// swift-tools-version: 6.1
// ftft's fuzz targets: one libFuzzer executable per parser, in a package of their own so that the main build and
// `swift test` never compile them. Build and run them with `scripts/fuzz.sh` (it passes
// `-sanitize=fuzzer,address`, without which the targets do not link).
import PackageDescription

let ftft: [Target.Dependency] = [
    // FTFTData, FTFTText and FTFTIO are not products of the root package; FTFTExperiments brings them in.
    .product(name: "FTFTEncoder", package: "ftft"),
    .product(name: "FTFTExperiments", package: "ftft"),
]

/// One executable per parser, `fuzz-<name>`, sources in `Sources/fuzz-<name>`.
func fuzzTarget(_ name: String) -> Target {
    .executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzSupport"] + ftft)
}

let package = Package(
    name: "ftft-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "ftft", path: "..")],
    targets: [
        .target(name: "CFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzerDriver"] + ftft),
        fuzzTarget("safetensors"),
        fuzzTarget("jsonl"),
        fuzzTarget("csv"),
        fuzzTarget("tsv"),
        fuzzTarget("tokenizer"),
        fuzzTarget("vocabulary"),
        fuzzTarget("tokenizer-json"),
        fuzzTarget("cartography"),
        fuzzTarget("experiment"),
    ]
)
