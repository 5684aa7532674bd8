import Foundation
import FTFTBenchmarkSupport
import FTFTCartography
import FTFTStore
import FTFTTensors

/// The run store (SQLite through GRDB) holding the same dynamics: five `appendEpoch` transactions of 400,000 rows,
/// each epoch in its own seeded processing order (as a trainer records them), and the dense read-back.
final class StoreWorkload: @unchecked Sendable {
    let dynamics: TrainingDynamics
    let epochs: [DynamicsRows]
    let base: URL
    private var generation = 0
    /// The most recently filled store and its run, for the read benchmark.
    private(set) var filled: (store: RunStore, run: RunID, directory: URL)?

    init(dynamics: TrainingDynamics) {
        self.dynamics = dynamics
        let (n, c) = (dynamics.exampleCount, dynamics.classCount)
        epochs = (0..<dynamics.epochCount).map { epoch in
            var stream = SeededRandom(seed: 91).stream(.testing, UInt64(epoch))
            let order = stream.permutation(n)
            var logits: [Float] = []
            logits.reserveCapacity(n * c)
            for i in order { logits.append(contentsOf: dynamics.logits(epoch: epoch, example: i)) }
            return DynamicsRows(exampleIndices: order, exampleIDs: order.map { dynamics.exampleIDs[$0] },
                                golds: order.map { dynamics.goldLabels[$0] }, classes: c, logits: logits)
        }
        base = FileManager.default.temporaryDirectory.appendingPathComponent("ftft-bench-store-\(getpid())")
    }

    /// A fresh store with one run (untimed).
    func freshStore() throws -> (RunStore, RunID, URL) {
        if let filled { try? FileManager.default.removeItem(at: filled.directory) }
        filled = nil
        generation += 1
        let directory = base.appendingPathComponent("\(generation)")
        let store = try RunStore.open(directory: directory.path)
        let run = try store.createRun(NewRun(
            experiment: "benchmark", method: .ftft, role: .reference, seed: 0, model: "synthetic",
            configurationJSON: #"{"workload":"CartographyWorkloads.syntheticDynamics(400000,5,3)"}"#,
            provenanceJSON: #"{"benchmark":"DataPath"}"#)).id
        return (store, run, directory)
    }

    /// The timed part: the five epoch transactions.
    func append(_ store: RunStore, _ run: RunID) throws {
        for (epoch, rows) in epochs.enumerated() { try store.appendEpoch(run: run, epoch: epoch, rows: rows) }
    }

    func keep(_ store: RunStore, _ run: RunID, _ directory: URL) { filled = (store, run, directory) }

    /// Bytes on disk of the filled store (database plus write-ahead log) per stored row.
    func bytesPerRow() -> Double {
        guard let filled else { return 0 }
        let bytes = [filled.store.path, filled.store.path + "-wal"].reduce(0) {
            $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0)
        }
        return Double(bytes) / Double(Scale.rows)
    }

    func read() throws -> RecordedDynamics {
        guard let filled else { throw GateFailure("store read: no filled store (the append benchmark runs first)") }
        return try filled.store.dynamics(run: filled.run)
    }

    /// Every logit read back bit-identical, examples in training-file order, ids and golds as written.
    func validateRead(_ read: RecordedDynamics) throws {
        let n = dynamics.exampleCount
        guard read.epochs == Array(0..<dynamics.epochCount), read.exampleIndices == Array(0..<n),
              read.exampleIDs == dynamics.exampleIDs, read.golds == dynamics.goldLabels, read.classes == dynamics.classCount,
              read.logits.count == dynamics.logits.count else {
            throw GateFailure("store read-back: epochs, ids, golds or shape differ from what was appended")
        }
        for i in 0..<read.logits.count where read.logits[i].bitPattern != dynamics.logits[i].bitPattern {
            throw GateFailure("store read-back: logit \(i) is \(read.logits[i]), appended \(dynamics.logits[i])")
        }
    }

    func remove() {
        filled = nil
        try? FileManager.default.removeItem(at: base)
    }
}
