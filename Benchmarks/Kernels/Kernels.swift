// The engine's kernels, one at a time: the GEMM wrapper (and the naive reference GEMM), fused attention forward
// and backward, the fast masked softmax, LayerNorm forward and backward, GELU forward and backward, dropout and
// the AdamW update, at 1 and 2 threads, on the shapes of one MiniLM-L6 layer (B 32, T 128, C 384, NH 12, F 1536).
//
//     swift package benchmark --target Kernels
//     swift package benchmark --target Kernels --filter "attention.*"
//
// Validate first, then time: each benchmark's setup runs the kernel and its reference path on the same inputs and
// fails the benchmark if they disagree (the project's `compare` and named tolerances; masks and thread
// invariance exactly). Each sample then times the kernel and, right after it in the same process, a yardstick:
// OpenBLAS SGEMM 1024³ for compute-bound kernels, the STREAM triad for bandwidth-bound ones. The gate
// (Benchmarks/Support/BenchmarkGate.swift) judges the medians of "% of SGEMM", "% of triad" and "× reference"
// (speed-up over the reference path, timed once during validation on the same shape) against
// Benchmarks/thresholds.json. GEMM FLOPs are checked against the counter on every sample, exactly. A failed
// validation, FLOP check or bound ends the benchmark's process with status 1, which fails the run.

import Benchmark
import FTFTBenchmarkSupport
import FTFTEncoder
import FTFTTensors

let gate = BenchmarkGate(suite: "Kernels")
let sgemm = SGEMMYardstick()
let triad = TriadYardstick()

/// A kernel benchmark as registered: its name, thread counts, whether it is compute-bound, and how to build it
/// (buffers are allocated in the benchmark's setup and released in its teardown).
struct KernelSpec: Sendable {
    let name: String
    let threadCounts: [Int]
    let computeBound: Bool
    let make: @Sendable () -> KernelCase
}

func perfAnchorsConfig(layers: Int, hidden: Int, heads: Int, intermediate: Int) -> BertConfig {
    BertConfig(vocabSize: 30522, hiddenSize: hidden, layers: layers, heads: heads, intermediateSize: intermediate,
               maxPositions: 512, hiddenDropout: 0.1, attentionDropout: 0.1, numLabels: 3)
}

let adamConfigs: [(String, BertConfig)] = [
    ("tiny", perfAnchorsConfig(layers: 2, hidden: 128, heads: 2, intermediate: 512)),
    ("mid", perfAnchorsConfig(layers: 4, hidden: 256, heads: 4, intermediate: 1024)),
    ("minilm", perfAnchorsConfig(layers: 6, hidden: 384, heads: 12, intermediate: 1536)),
]

let specs: [KernelSpec] = [
    KernelSpec(name: "gemm 4096x1536x384", threadCounts: [1, 2], computeBound: true) { GEMMCase() },
    KernelSpec(name: "gemm naive 128x384x384", threadCounts: [1], computeBound: true) { NaiveGEMMCase() },
    KernelSpec(name: "attention forward", threadCounts: [1, 2], computeBound: true) { AttentionForwardCase() },
    KernelSpec(name: "attention backward", threadCounts: [1, 2], computeBound: true) { AttentionBackwardCase() },
    KernelSpec(name: "softmax", threadCounts: [1, 2], computeBound: false) { SoftmaxCase() },
    KernelSpec(name: "layernorm forward", threadCounts: [1, 2], computeBound: false) { LayerNormForwardCase() },
    KernelSpec(name: "layernorm backward", threadCounts: [1, 2], computeBound: false) { LayerNormBackwardCase() },
    KernelSpec(name: "gelu forward", threadCounts: [1, 2], computeBound: false) { GELUForwardCase() },
    KernelSpec(name: "gelu backward", threadCounts: [1, 2], computeBound: false) { GELUBackwardCase() },
    KernelSpec(name: "dropout forward", threadCounts: [1], computeBound: false) { DropoutCase() },
] + adamConfigs.map { name, config in
    KernelSpec(name: "adamw \(name)", threadCounts: [1, 2], computeBound: false) { AdamWCase(configuration: name, config: config) }
}

/// The case of the benchmark that is running (one at a time).
nonisolated(unsafe) var current: KernelCase?

let gigaFLOPsPerSecond = BenchmarkMetric.custom("GFLOP/s", polarity: .prefersLarger, useScalingFactor: false)
let percentOfSGEMM = BenchmarkMetric.custom("% of SGEMM", polarity: .prefersLarger, useScalingFactor: false)
let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)
let percentOfTriad = BenchmarkMetric.custom("% of triad", polarity: .prefersLarger, useScalingFactor: false)
let timesReference = BenchmarkMetric.custom("× reference", polarity: .prefersLarger, useScalingFactor: false)

/// How far an allocation count may move from Benchmarks/Thresholds before `thresholds check` calls it a change:
/// the kernels allocate nothing at one thread and a handful of Dispatch objects at two.
var allocationTolerance: [BenchmarkMetric: BenchmarkThresholds] { [.mallocCountTotal: .init(absolute: [.p90: 16])] }

let benchmarks: @Sendable () -> Void = {
    let quick = BenchmarkGate.isQuick
    Benchmark.defaultConfiguration = .init(timeUnits: .milliseconds, warmupIterations: 1,
                                           maxDuration: .seconds(quick ? 8 : 30), maxIterations: quick ? 5 : 15)
    for spec in specs where !(quick && spec.name.hasPrefix("adamw") && spec.name != "adamw minilm") {
        for threads in spec.threadCounts {
            let name = "\(spec.name) threads=\(threads)"
            let metrics: [BenchmarkMetric] = spec.computeBound
                ? [.wallClock, .mallocCountTotal, gigaFLOPsPerSecond, percentOfSGEMM]
                : [.wallClock, .mallocCountTotal, megabytesPerSecond, percentOfTriad, timesReference]
            var configuration = Benchmark.Configuration(
                metrics: metrics,
                setup: {
                    gate.guarding(name, "validation") {
                        let kernel = spec.make()
                        try kernel.validate(threads: threads)
                        current = kernel
                    }
                },
                teardown: {
                    current = nil
                    gate.guarding(name, "bounds") { try gate.finish(name) }
                })
            configuration.thresholds = allocationTolerance
            Benchmark(name, configuration: configuration) { benchmark in
                gate.guarding(name, "measurement") {
                    guard let kernel = current else { throw GateFailure("setup did not build the kernel") }
                    for _ in benchmark.scaledIterations {
                        kernel.prepareSample()
                        benchmark.startMeasurement()
                        let seconds = wallSeconds { kernel.run(threads: threads) }
                        benchmark.stopMeasurement()
                        try kernel.checkSample()
                        record(kernel, name: name, seconds: seconds, threads: threads, benchmark: benchmark)
                    }
                }
            }
        }
    }
}

/// Times the yardstick right after the kernel and records the rates and ratios of one sample.
func record(_ kernel: KernelCase, name: String, seconds: Double, threads: Int, benchmark: Benchmark) {
    switch kernel.work {
    case .flops(let flops):
        let rate = flops / seconds / 1e9
        let ceiling = sgemm.gigaFLOPsPerSecond(threads: threads)
        gate.record(name, "GFLOP/s", rate, unit: "GFLOP/s", gated: false)
        gate.record(name, "SGEMM 1024³ GFLOP/s", ceiling, unit: "GFLOP/s", gated: false)
        gate.record(name, "% of SGEMM", 100 * rate / ceiling, unit: "%")
        benchmark.measurement(gigaFLOPsPerSecond, Int(rate.rounded()))
        benchmark.measurement(percentOfSGEMM, Int((100 * rate / ceiling).rounded()))
        if let naive = kernel as? NaiveGEMMCase {
            let speedUp = seconds / naive.blasSeconds()
            gate.record(name, "BLAS × naive", speedUp, unit: "×")
        }
    case .bytes(let bytes):
        let rate = bytes / seconds / 1e9
        let ceiling = triad.gigabytesPerSecond(threads: threads)
        gate.record(name, "GB/s", rate, unit: "GB/s", gated: false)
        gate.record(name, "triad GB/s", ceiling, unit: "GB/s", gated: false)
        gate.record(name, "% of triad", 100 * rate / ceiling, unit: "%")
        benchmark.measurement(megabytesPerSecond, Int((rate * 1000).rounded()))
        benchmark.measurement(percentOfTriad, Int((100 * rate / ceiling).rounded()))
        if let reference = kernel.referenceSeconds {
            gate.record(name, "× reference", reference / seconds, unit: "×")
            benchmark.measurement(timesReference, Int((reference / seconds).rounded()))
        }
    }
}
