import Foundation
import Testing
import FTFTStore
import FTFTTestSupport

/// The store's throughput at the scale of issue 4's benchmark: 400,000 examples × 5 epochs × 3 classes.
/// Opt-in (speed belongs in benchmarks, not in the test suite) and meant for a release build:
///
///     FTFT_STORE_BENCHMARK=1 swift test -c release --filter StoreThroughputBenchmark
///
/// It validates first (every logit read back bit-identical to what was written), then reports rows/s for
/// appending and for reading back, and the file size. Times are wall-clock durations of the calls only.
/// `FTFT_STORE_BENCHMARK_N` changes N; `FTFT_STORE_BENCHMARK_KEEP=1` keeps the database for inspection.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["FTFT_STORE_BENCHMARK"] != nil,
                "set FTFT_STORE_BENCHMARK=1 to run the store benchmark"))
struct StoreThroughputBenchmark {
    @Test func appendAndReadFourHundredThousandExamplesFiveEpochs() throws {
        let n = Int(ProcessInfo.processInfo.environment["FTFT_STORE_BENCHMARK_N"] ?? "") ?? 400_000
        let epochs = 5, classes = 3
        let directory = try PackagePaths.temporaryDirectory("ftft-store-benchmark")
        let keep = ProcessInfo.processInfo.environment["FTFT_STORE_BENCHMARK_KEEP"] != nil  // to inspect the file
        defer { if keep { print("StoreThroughputBenchmark: kept \(directory.path)") } else { try? FileManager.default.removeItem(at: directory) } }
        let store = try RunStore.open(directory: directory.path)
        let run = try store.createRun(StoreFixtures.newRun()).id
        let clock = ContinuousClock()
        var appendSeconds = 0.0, appendCPUSeconds = 0.0
        for epoch in 0..<epochs {
            let rows = StoreFixtures.epochRows(epoch: epoch, count: n, classes: classes)  // built outside the timing
            let cpuBefore = Self.processCPUSeconds()
            let elapsed = try clock.measure { try store.appendEpoch(run: run, epoch: epoch, rows: rows) }
            appendCPUSeconds += Self.processCPUSeconds() - cpuBefore
            appendSeconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        var dense: RecordedDynamics?
        let denseCPUBefore = Self.processCPUSeconds()
        let denseElapsed = try clock.measure { dense = try store.dynamics(run: run) }
        let denseCPUSeconds = Self.processCPUSeconds() - denseCPUBefore
        var single: RecordedEpoch?
        let epochElapsed = try clock.measure { single = try store.epoch(run: run, epoch: 4) }

        // Validate before reporting anything.
        let read = try #require(dense)
        #expect(read.epochs == Array(0..<epochs) && read.exampleIndices.count == n && read.classes == classes)
        var mismatches = 0
        for e in 0..<epochs {
            for i in 0..<n {
                for c in 0..<classes where read.logits[(e * n + i) * classes + c].bitPattern != StoreFixtures.logit(epoch: e, example: i, class: c).bitPattern {
                    mismatches += 1
                }
            }
        }
        #expect(mismatches == 0)
        #expect(try #require(single).rows == StoreFixtures.epochRows(epoch: 4, count: n, classes: classes))

        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        let rows = Double(n * epochs)
        let bytes = [store.path, store.path + "-wal"].reduce(0) {  // the database and its write-ahead log
            $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0)
        }
        print(String(format: "StoreThroughputBenchmark: N=%d E=%d C=%d: append %.2f s wall, %.2f s CPU (%.0f rows/s wall, %.0f rows/CPU-s); dense read %.2f s wall, %.2f s CPU (%.0f rows/s wall); one epoch in processing order %.2f s (%.0f rows/s); file %.1f MB (%.1f bytes/row)",
                     n, epochs, classes, appendSeconds, appendCPUSeconds, rows / appendSeconds, rows / appendCPUSeconds,
                     seconds(denseElapsed), denseCPUSeconds, rows / seconds(denseElapsed),
                     seconds(epochElapsed), Double(n) / seconds(epochElapsed), Double(bytes) / 1e6, Double(bytes) / rows))
    }

    /// CPU seconds of this process so far (C `clock()`: all threads): less sensitive than wall time to the
    /// other processes sharing the machine.
    static func processCPUSeconds() -> Double { Double(clock()) / Double(CLOCKS_PER_SEC) }
}
