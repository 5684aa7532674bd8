// Training-step and eval-forward speed of BertClassifier on the configurations of docs/perf-anchors.md
// (batch 32, length 128, random token ids, 3 labels, dropout 0.1 everywhere), at 1 and 2 threads.
//
//     swift package benchmark --target TrainingStep            (all; a few minutes)
//     swift package benchmark --target TrainingStep --filter "tiny.*"
//
// Metrics: wall clock per step, and custom `examples/s` and `GFLOP/s` (GEMM FLOPs from `BertFLOPs`, which
// the FLOP counter confirms on every timed step). Validate first, then time: before a configuration is timed,
// the fast path (fused kernels, OpenBLAS) is compared with the reference path on the naive GEMM for a small
// batch of the same architecture, and the benchmark fails if they disagree (through `gate.guarding`, so the
// run's exit status says so). Compare with PyTorch in the same
// session through Benchmarks/pytorch/bench_pytorch.py (see Benchmarks/README.md).

import Benchmark
import Foundation
import FTFTBenchmarkSupport
import FTFTEncoder
import FTFTTensors

/// Turns a failed validation or FLOP check into a failed run (package-benchmark alone exits 0 when a benchmark
/// throws; `BenchmarkGate.guarding` ends the benchmark's process with status 1 instead).
let gate = BenchmarkGate(suite: "TrainingStep")

struct Shape: Sendable {
    let name: String
    let layers: Int, hidden: Int, heads: Int, intermediate: Int

    var config: BertConfig {
        BertConfig(vocabSize: 30522, hiddenSize: hidden, layers: layers, heads: heads, intermediateSize: intermediate,
                   maxPositions: 512, hiddenDropout: 0.1, attentionDropout: 0.1, numLabels: 3)
    }
}

let shapes = [
    Shape(name: "tiny", layers: 2, hidden: 128, heads: 2, intermediate: 512),
    Shape(name: "mid", layers: 4, hidden: 256, heads: 4, intermediate: 1024),
    Shape(name: "minilm", layers: 6, hidden: 384, heads: 12, intermediate: 1536),
]

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
}

/// Random batch of B sequences of exactly T tokens, seeded.
func randomBatch(_ config: BertConfig, B: Int, T: Int, seed: UInt64) -> TokenBatch {
    var stream = SeededRandom(seed: seed).stream(.testing, 1)
    let ids = (0..<B * T).map { _ in Int32(1 + stream.nextInt(below: config.vocabSize - 1)) }
    let labels = (0..<B).map { _ in Int32(stream.nextInt(below: config.numLabels)) }
    return TokenBatch(batchSize: B, length: T, inputIds: ids, tokenTypeIds: [Int32](repeating: 0, count: B * T),
                      attentionMask: [UInt8](repeating: 1, count: B * T), labels: labels,
                      exampleIndices: Array(0..<B))
}

/// The fast path against the reference path with the naive GEMM, on a small batch with padding.
func validate(_ shape: Shape, threads: Int) throws {
    let config = shape.config
    var batch = randomBatch(config, B: 3, T: 12, seed: 9)
    for t in 7..<12 { batch.attentionMask[12 + t] = 0; batch.inputIds[12 + t] = 0 }
    var results: [(Float, [Float], [Float])] = []
    for (path, backend) in [(BertClassifier.KernelPath.reference, GEMMBackend.naive), (.fused, .blas)] {
        let model = try BertClassifier(config: config)
        model.kernelPath = path
        model.initializeRandomly(SeededRandom(seed: 1))
        let (loss, logits) = try model.trainingStep(batch: batch, random: SeededRandom(seed: 2), step: 0,
                                                    context: ComputeContext(backend: backend, threads: threads))
        results.append((loss, logits, model.gradients.array))
    }
    func close(_ a: [Float], _ b: [Float], atol: Float, rtol: Float) -> Bool {
        zip(a, b).allSatisfy { abs($0 - $1) <= atol + rtol * abs($1) }
    }
    guard close([results[1].0] + results[1].1, [results[0].0] + results[0].1, atol: 1e-5, rtol: 1e-4),
          close(results[1].2, results[0].2, atol: 1e-6, rtol: 1e-3) else {
        throw BenchmarkFailure(description: "\(shape.name): fast path disagrees with the reference path")
    }
}

/// Models are built once per configuration (random init of a 30k vocabulary takes a while).
nonisolated(unsafe) var models: [String: BertClassifier] = [:]

func model(_ shape: Shape) throws -> BertClassifier {
    if let model = models[shape.name] { return model }
    let model = try BertClassifier(config: shape.config)
    model.initializeRandomly(SeededRandom(seed: 7))
    models[shape.name] = model
    return model
}

let examplesPerSecond = BenchmarkMetric.custom("examples/s", polarity: .prefersLarger, useScalingFactor: false)
let gigaFLOPsPerSecond = BenchmarkMetric.custom("GFLOP/s", polarity: .prefersLarger, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, examplesPerSecond, gigaFLOPsPerSecond],
        timeUnits: .milliseconds,
        warmupIterations: 2,
        maxDuration: .seconds(60),
        maxIterations: 10)
    let (B, T) = (32, 128)
    for shape in shapes {
        for threads in [1, 2] {
            let flops = BertFLOPs(config: shape.config)
            let batch = randomBatch(shape.config, B: B, T: T, seed: 3)
            let train = "\(shape.name) train threads=\(threads)", eval = "\(shape.name) eval threads=\(threads)"
            let setup: @Sendable (String) -> () async throws -> Void = { name in
                { gate.guarding(name, "validation") { try validate(shape, threads: threads) } }
            }
            Benchmark(train, configuration: .init(setup: setup(train))) { benchmark in gate.guarding(train, "measurement") {
                let model = try model(shape)
                let counter = FLOPCounter()
                let context = ComputeContext(flops: counter, backend: .blas, threads: threads)
                var step = 0
                for _ in benchmark.scaledIterations {
                    benchmark.startMeasurement()
                    let start = ContinuousClock.now
                    model.gradients.zero()
                    blackHole(try model.trainingStep(batch: batch, random: SeededRandom(seed: 5), step: step,
                                                     context: context))
                    let seconds = (ContinuousClock.now - start) / .seconds(1)
                    benchmark.stopMeasurement()
                    step += 1
                    let expected = flops.trainingFLOPs(batchSize: B, length: T)
                    if counter.flops != expected {
                        throw BenchmarkFailure(description: "counted \(counter.flops) FLOPs, analytic \(expected)")
                    }
                    counter.reset()
                    benchmark.measurement(examplesPerSecond, Int((Double(B) / seconds).rounded()))
                    benchmark.measurement(gigaFLOPsPerSecond, Int((Double(expected) / seconds / 1e9).rounded()))
                }
            } }
            Benchmark(eval, configuration: .init(setup: setup(eval))) { benchmark in gate.guarding(eval, "measurement") {
                let model = try model(shape)
                let context = ComputeContext(backend: .blas, threads: threads)
                for _ in benchmark.scaledIterations {
                    benchmark.startMeasurement()
                    let start = ContinuousClock.now
                    blackHole(try model.logits(batch: batch, context: context))
                    let seconds = (ContinuousClock.now - start) / .seconds(1)
                    benchmark.stopMeasurement()
                    let forward = flops.forwardFLOPs(batchSize: B, length: T)
                    benchmark.measurement(examplesPerSecond, Int((Double(B) / seconds).rounded()))
                    benchmark.measurement(gigaFLOPsPerSecond, Int((Double(forward) / seconds / 1e9).rounded()))
                }
            } }
        }
    }
}
