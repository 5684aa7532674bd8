// The data path around the engine: the WordPiece tokenizer on real text, the data map and selection over
// 400,000 examples × 5 epochs × 3 classes, cartography's dynamics JSONL export and import, and the run store's
// append and read of the same dynamics.
//
//     swift package benchmark --target DataPath
//     FTFT_TOKENIZER_CORPUS=/tmp/corpus.jsonl swift package benchmark --target DataPath --filter "tokenizer.*"
//
// Validate first, then time: the tokenizer's ids must equal Hugging Face's (token count and FNV-1a checksum;
// see TokenizerCorpus), the data map must agree with a direct Double computation, and exported-then-imported
// and stored-then-read dynamics must come back bit for bit. Each sample times the operation and, right after it,
// a same-process yardstick of the same size; the gate (Benchmarks/thresholds.json) judges the medians of these
// ratios and the store's bytes per row. Absolute rates (tokens/s, rows/s, MB/s, seconds) are reported only.
// Each benchmark runs in its own process (package-benchmark), so the synthetic dynamics are rebuilt per benchmark.

import Benchmark
import Foundation
import FTFTBenchmarkSupport
import FTFTCartography
import FTFTStore
import FTFTTestSupport

let gate = BenchmarkGate(suite: "DataPath")

let tokensPerSecond = BenchmarkMetric.custom("tokens/s", polarity: .prefersLarger, useScalingFactor: false)
let rowsPerSecond = BenchmarkMetric.custom("rows/s", polarity: .prefersLarger, useScalingFactor: false)
let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)
let millisecondsMetric = BenchmarkMetric.custom("ms", polarity: .prefersSmaller, useScalingFactor: false)

/// State built in a benchmark's setup and dropped in its teardown (one benchmark runs at a time).
nonisolated(unsafe) var corpus: TokenizerCorpus?
nonisolated(unsafe) var files: DynamicsFilesWorkload?
nonisolated(unsafe) var storeWorkload: StoreWorkload?

func dynamics() throws -> TrainingDynamics { try sharedDynamics.get() }

let benchmarks: @Sendable () -> Void = {
    let quick = BenchmarkGate.isQuick
    Benchmark.defaultConfiguration = .init(timeUnits: .milliseconds, warmupIterations: 1,
                                           maxDuration: .seconds(quick ? 10 : 40), maxIterations: quick ? 3 : 7)
    registerTokenizer()
    for threads in [1, 2] { registerDataMap(threads: threads) }
    registerDynamicsFiles()
    registerStore(quick: quick)
}

/// Registers one benchmark whose setup, samples and teardown all run under `gate.guarding` (a validation failure,
/// an error or a bound violation ends the benchmark's process with status 1 and so fails the run); the gate
/// judges the recorded medians after the last sample.
func register(_ name: String, metric: BenchmarkMetric, samples: Int? = nil, warmup: Int? = nil,
              setup: @escaping @Sendable () throws -> Void, teardown: @escaping @Sendable () -> Void = {},
              sample: @escaping @Sendable (Benchmark) throws -> Void) {
    var configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, metric],
        setup: { gate.guarding(name, "validation") { try setup() } },
        teardown: { teardown(); gate.guarding(name, "bounds") { try gate.finish(name) } })
    // Allocation counts (checked against Benchmarks/Thresholds by `thresholds check`) are exact for single-threaded
    // work; threaded reads and SQLite's page cache add a little jitter, far below what a regression would add.
    configuration.thresholds = [.mallocCountTotal: .init(absolute: [.p90: 256])]
    if let samples { configuration.maxIterations = samples }
    if let warmup { configuration.warmupIterations = warmup }
    Benchmark(name, configuration: configuration) { benchmark in
        gate.guarding(name, "measurement") { for _ in benchmark.scaledIterations { try sample(benchmark) } }
    }
}

func registerTokenizer() {
    let name = "tokenizer " + (SharedData.root == nil ? "embedded-task" : "shared-corpus")
    register(name, metric: tokensPerSecond, setup: {
        let loaded = try TokenizerCorpus.load()
        let first = try loaded.validate()
        gate.note(name, "corpus", "\(loaded.source): \(loaded.texts.count) texts, \(first.tokens) tokens")
        corpus = loaded
    }, teardown: { corpus = nil }) { benchmark in
        guard let corpus else { throw GateFailure("setup did not load the corpus") }
        var tokens = 0
        benchmark.startMeasurement()
        let seconds = wallSeconds { for text in corpus.texts { tokens &+= corpus.tokenizer.tokenize(text).count } }
        benchmark.stopMeasurement()
        // Yardstick: one pass over the corpus's UTF-8 bytes counting spaces (what any tokenizer must at least do).
        var spaces = 0
        let scan = wallSeconds { for text in corpus.texts { for byte in text.utf8 where byte == 0x20 { spaces &+= 1 } } }
        blackHole(spaces)
        gate.record(name, "tokens/s", Double(tokens) / seconds, unit: "tokens/s", gated: false)
        gate.record(name, "× byte scan", seconds / scan, unit: "×")
        benchmark.measurement(tokensPerSecond, Int(Double(tokens) / seconds))
    }
}

func registerDataMap(threads: Int) {
    let name = "datamap+selection \(Scale.label) threads=\(threads)"
    register(name, metric: millisecondsMetric, setup: { try DataMapWorkload.validate(try dynamics(), threads: threads) }) { benchmark in
        let dynamics = try dynamics()
        var result: (map: DataMap, selected: [Int])?
        benchmark.startMeasurement()
        let seconds = try wallSeconds { result = try CartographyWorkloads.statisticsAndSelection(dynamics, threads: threads) }
        benchmark.stopMeasurement()
        blackHole(result)
        // Yardstick: a STREAM triad over three arrays the size of the logits (6 M floats).
        let triadSeconds = 12 * Double(dataMapTriad.count) / (dataMapTriad.gigabytesPerSecond(threads: threads) * 1e9)
        gate.record(name, "seconds", seconds, unit: "s", gated: false)
        gate.record(name, "× triad pass", seconds / triadSeconds, unit: "×")
        benchmark.measurement(millisecondsMetric, Int(seconds * 1000))
    }
}

let dataMapTriad = TriadYardstick(count: Scale.rows * Scale.classes)

func registerDynamicsFiles() {
    let exportName = "dynamics export jsonl \(Scale.label)"
    register(exportName, metric: megabytesPerSecond, setup: {
        let workload = try DynamicsFilesWorkload(dynamics: try dynamics())
        try workload.validate(threads: 2)
        files = workload
    }, teardown: { files?.remove(); files = nil }) { benchmark in
        guard let files else { throw GateFailure("setup did not export") }
        benchmark.startMeasurement()
        let seconds = try wallSeconds { try files.export() }
        benchmark.stopMeasurement()
        let raw = try wallSeconds { try files.rawWrite() }
        let megabytes = Double(files.totalBytes) / 1e6
        gate.record(exportName, "MB/s", megabytes / seconds, unit: "MB/s", gated: false)
        gate.record(exportName, "× raw write", seconds / raw, unit: "×")
        benchmark.measurement(megabytesPerSecond, Int(megabytes / seconds))
    }
    for threads in [1, 2] {
        let name = "dynamics import jsonl \(Scale.label) threads=\(threads)"
        register(name, metric: megabytesPerSecond, setup: {
            let workload = try DynamicsFilesWorkload(dynamics: try dynamics())
            try workload.validate(threads: threads)
            files = workload
        }, teardown: { files?.remove(); files = nil }) { benchmark in
            guard let files else { throw GateFailure("setup did not export") }
            var read: TrainingDynamics?
            benchmark.startMeasurement()
            let seconds = try wallSeconds { read = try files.importFiles(threads: threads) }
            benchmark.stopMeasurement()
            blackHole(read)
            var scanned = (bytes: 0, lines: 0)
            let raw = try wallSeconds { scanned = try files.readAndScan() }
            blackHole(scanned.lines)
            let bytes = scanned.bytes
            gate.record(name, "MB/s", Double(bytes) / 1e6 / seconds, unit: "MB/s", gated: false)
            gate.record(name, "× read+scan", seconds / raw, unit: "×")
            benchmark.measurement(megabytesPerSecond, Int(Double(bytes) / 1e6 / seconds))
        }
    }
}

func registerStore(quick: Bool) {
    /// Builds the store workload and the JSONL files (the yardstick), fills one store and checks its read-back.
    let setup: @Sendable () throws -> Void = {
        let dynamics = try dynamics()
        let workload = StoreWorkload(dynamics: dynamics)
        let (store, run, directory) = try workload.freshStore()
        try workload.append(store, run)
        workload.keep(store, run, directory)
        try workload.validateRead(try workload.read())
        let jsonl = try DynamicsFilesWorkload(dynamics: dynamics)
        try jsonl.validate(threads: 1)
        (storeWorkload, files) = (workload, jsonl)
    }
    let teardown: @Sendable () -> Void = {
        storeWorkload?.remove(); files?.remove()
        (storeWorkload, files) = (nil, nil)
    }
    let samples = quick ? 2 : 4
    let appendName = "store append \(Scale.label)"
    register(appendName, metric: rowsPerSecond, samples: samples, warmup: 0, setup: setup, teardown: teardown) { benchmark in
        guard let workload = storeWorkload, let files else { throw GateFailure("setup failed") }
        let (store, run, directory) = try workload.freshStore()
        benchmark.startMeasurement()
        let seconds = try wallSeconds { try workload.append(store, run) }
        benchmark.stopMeasurement()
        workload.keep(store, run, directory)
        let jsonl = try wallSeconds { try files.export() }
        gate.record(appendName, "rows/s", Double(Scale.rows) / seconds, unit: "rows/s", gated: false)
        gate.record(appendName, "× JSONL export", seconds / jsonl, unit: "×")
        gate.record(appendName, "bytes/row", workload.bytesPerRow(), unit: "B")
        benchmark.measurement(rowsPerSecond, Int(Double(Scale.rows) / seconds))
    }
    let readName = "store read \(Scale.label)"
    register(readName, metric: rowsPerSecond, samples: samples + 1, setup: setup, teardown: teardown) { benchmark in
        guard let workload = storeWorkload, let files else { throw GateFailure("setup failed") }
        var read: RecordedDynamics?
        benchmark.startMeasurement()
        let seconds = try wallSeconds { read = try workload.read() }
        benchmark.stopMeasurement()
        blackHole(read)
        let jsonl = try wallSeconds { blackHole(try files.importFiles(threads: 1)) }
        gate.record(readName, "rows/s", Double(Scale.rows) / seconds, unit: "rows/s", gated: false)
        gate.record(readName, "× JSONL import", seconds / jsonl, unit: "×")
        benchmark.measurement(rowsPerSecond, Int(Double(Scale.rows) / seconds))
    }
}
