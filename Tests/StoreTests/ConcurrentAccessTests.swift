import Foundation
import Synchronization
import Testing
import FTFTStore
import FTFTTestSupport

/// Readers of a store that is being written: another `RunStore` on the same file, and the `sqlite3` command.
/// Shared between a writer thread and the reading test body. The writers run on their own `Thread`s, not
/// in Swift tasks: the test bodies below block while they poll, and blocked tasks on a 2-core machine would
/// starve a writer task of the cooperative pool's threads.
final class Handshake: Sendable {
    /// Polls the reader has completed.
    let polls = Atomic<Int>(0)
    /// Set by the writer when it has finished (or failed).
    let done = Atomic<Bool>(false)
    let failure = Mutex<String?>(nil)

    var isDone: Bool { done.load(ordering: .acquiring) }
    func polled() { polls.add(1, ordering: .releasing) }

    /// Runs `body` on a new thread and marks the handshake done when it returns or throws.
    func start(_ body: @escaping @Sendable () throws -> Void) {
        Thread.detachNewThread {
            do { try body() } catch { self.failure.withLock { $0 = "\(error)" } }
            self.done.store(true, ordering: .releasing)
        }
    }

    /// Waits for the writer to finish; its error, if any.
    func join() -> String? {
        while !isDone { usleep(1000) }
        return failure.withLock { $0 }
    }
}

@Suite struct ConcurrentAccessTests {
    static let n = 3001
    static let epochs = 10

    /// Appends `epochs` epochs; after each, waits until the reader has made at least one more poll, so the
    /// reader is certainly running while the next epoch's transaction is open.
    static func write(_ store: RunStore, run: RunID, handshake: Handshake) {
        handshake.start {
            for epoch in 0..<epochs {
                let seen = handshake.polls.load(ordering: .acquiring)
                try store.appendEpoch(run: run, epoch: epoch, completedSteps: epoch * 100, rows: StoreFixtures.epochRows(epoch: epoch, count: n))
                while handshake.polls.load(ordering: .acquiring) == seen { usleep(200) }
            }
        }
    }

    @Test func aReaderOnAnotherConnectionOnlyEverSeesWholeEpochs() throws {
        let (store, directory, run) = try StoreFixtures.storeWithRun("concurrent")
        let reader = try RunStore.open(directory: directory.path, access: .readOnly)
        let handshake = Handshake()
        Self.write(store, run: run, handshake: handshake)
        var counts: [Int] = []
        var denseChecks = 0
        while !handshake.isDone {
            counts.append(try reader.dynamicsRowCount(run: run))
            if counts.count % 5 == 0, let epochs = try? reader.recordedEpochs(run: run), !epochs.isEmpty {
                // A dense read is one snapshot: whole epochs 0..<k, each with every example.
                let dense = try reader.dynamics(run: run)
                #expect(dense.epochs == Array(0..<dense.epochs.count))
                #expect(dense.logits.count == dense.epochs.count * Self.n * 3)
                denseChecks += 1
            }
            handshake.polled()
        }
        #expect(handshake.join() == nil)
        counts.append(try reader.dynamicsRowCount(run: run))
        #expect(counts.allSatisfy { $0 % Self.n == 0 }, "partial epochs seen: \(counts.filter { $0 % Self.n != 0 }.prefix(5))")
        #expect(counts == counts.sorted())
        #expect(counts.last == Self.epochs * Self.n)
        #expect(counts.count >= Self.epochs)
        print("ConcurrentAccessTests: \(counts.count) polls, \(Set(counts).count) distinct row counts, \(denseChecks) dense reads during writing")
    }

    /// The `sqlite3` command (another process) reading while the run writes: every count it reports is a
    /// whole number of epochs. Reported as skipped when `sqlite3` is not installed (a failure under CI).
    @Test(.enabled(if: StoreFixtures.sqlite3IsAvailable, Comment(rawValue: StoreFixtures.sqlite3SkipMessage)))
    func theSQLiteCommandReadsWholeEpochsWhileTheRunWrites() throws {
        let sqlite3 = try StoreFixtures.requireExecutable("sqlite3")
        let (store, _, run) = try StoreFixtures.storeWithRun("concurrent-cli")
        let handshake = Handshake()
        Self.write(store, run: run, handshake: handshake)
        var counts: [Int] = []
        while !handshake.isDone {
            let (status, output) = try StoreFixtures.run(sqlite3, [
                "-readonly", store.path, "SELECT count(*) FROM dynamics_long WHERE run_id = \(run.rawValue)",
            ])
            #expect(status == 0)
            if let count = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) { counts.append(count) }
            handshake.polled()
        }
        #expect(handshake.join() == nil)
        #expect(counts.count >= Self.epochs)
        #expect(counts.allSatisfy { $0 % Self.n == 0 }, "partial epochs seen: \(counts.filter { $0 % Self.n != 0 }.prefix(5))")
    }

    /// A store opened read-only in the middle of a run: it opens, reads what is committed, and refuses writes.
    @Test func openingReadOnlyWhileTheRunWrites() throws {
        let (store, directory, run) = try StoreFixtures.storeWithRun("concurrent-open")
        let handshake = Handshake()
        Self.write(store, run: run, handshake: handshake)
        var opened = 0
        while !handshake.isDone {
            let reader = try RunStore.open(directory: directory.path, access: .readOnly)
            let epochs = try reader.recordedEpochs(run: run)
            #expect(epochs.map(\.epoch) == Array(0..<epochs.count))
            #expect(throws: StoreError.readOnly(path: store.path, operation: "updateStatus(run \(run.rawValue), finished)")) {
                try reader.updateStatus(run: run, to: .finished)
            }
            opened += 1
            handshake.polled()
        }
        #expect(handshake.join() == nil)
        #expect(opened >= Self.epochs)
        #expect(try RunStore.open(directory: directory.path, access: .readOnly).dynamicsRowCount(run: run) == Self.epochs * Self.n)
    }

    /// Two runs writing to two experiment directories at the same time: each store ends with exactly its own
    /// rows.
    @Test func twoExperimentsWrittenAtOnceDoNotInterfere() throws {
        let first = try StoreFixtures.storeWithRun("parallel-a")
        let second = try StoreFixtures.storeWithRun("parallel-b")
        let writers = [Handshake(), Handshake()]
        writers[0].start {
            for epoch in 0..<6 { try first.store.appendEpoch(run: first.run, epoch: epoch, rows: StoreFixtures.epochRows(epoch: epoch, count: 2001)) }
        }
        writers[1].start {
            for epoch in 0..<4 { try second.store.appendEpoch(run: second.run, epoch: epoch, rows: StoreFixtures.epochRows(epoch: epoch + 10, count: 1501)) }
        }
        #expect(writers.map { $0.join() } == [nil, nil])
        #expect(try first.store.dynamicsRowCount(run: first.run) == 6 * 2001)
        #expect(try second.store.dynamicsRowCount(run: second.run) == 4 * 1501)
        #expect(try second.store.epoch(run: second.run, epoch: 3).rows == StoreFixtures.epochRows(epoch: 13, count: 1501))
    }
}
