import Foundation
import Testing
import FTFTCartography
import FTFTStore
import FTFTTestSupport

@Suite struct DynamicsStoreTests {
    @Test func epochsRoundTripBitExactlyInProcessingAndTrainingFileOrder() throws {
        let (store, _, run) = try StoreFixtures.storeWithRun()
        let n = 101, c = 3
        for epoch in 0..<3 {
            try store.appendEpoch(run: run, epoch: epoch, completedSteps: (epoch + 1) * 13,
                                  rows: StoreFixtures.epochRows(epoch: epoch, count: n, classes: c))
        }
        // One epoch read back: the rows as given, in processing order, every bit the same.
        let given = StoreFixtures.epochRows(epoch: 1, count: n, classes: c)
        let stored = try store.epoch(run: run, epoch: 1)
        #expect(stored.rows.exampleIndices == given.exampleIndices)
        #expect(stored.rows.exampleIDs == given.exampleIDs)
        #expect(stored.rows.golds == given.golds)
        #expect(stored.rows.logits.map(\.bitPattern) == given.logits.map(\.bitPattern))
        #expect(stored.completedSteps == 26)
        #expect(stored.mode == .trainingPass)

        // Dense: [E, N, C] in training-file order.
        let dense = try store.dynamics(run: run)
        #expect(dense.epochs == [0, 1, 2])
        #expect(dense.exampleIndices == Array(0..<n))
        #expect(dense.exampleIDs == (0..<n).map { "ex-\($0)" })
        #expect(dense.golds == (0..<n).map { $0 % c })
        #expect(dense.classes == c)
        var expected: [UInt32] = []
        for e in 0..<3 { for i in 0..<n { for k in 0..<c { expected.append(StoreFixtures.logit(epoch: e, example: i, class: k).bitPattern) } } }
        #expect(dense.logits.map(\.bitPattern) == expected)
        #expect(Array(dense.logits(epochSlot: 2, exampleSlot: 5)) == (0..<c).map { StoreFixtures.logit(epoch: 2, example: 5, class: $0) })

        #expect(try store.recordedEpochs(run: run).map(\.epoch) == [0, 1, 2])
        #expect(try store.recordedEpochs(run: run).allSatisfy { $0.exampleCount == n && $0.classes == c })
        #expect(try store.dynamicsRowCount(run: run) == 3 * n)
        #expect(try store.recordedEpochs(run: run, mode: .epochEndEvaluation).isEmpty)
    }

    @Test func bothRecordingModesAreKeptApart() throws {
        let (store, _, run) = try StoreFixtures.storeWithRun()
        try store.appendEpoch(run: run, epoch: 0, mode: .trainingPass, rows: StoreFixtures.epochRows(epoch: 0, count: 20))
        try store.appendEpoch(run: run, epoch: 0, mode: .epochEndEvaluation, rows: StoreFixtures.epochRows(epoch: 5, count: 20))
        #expect(try store.dynamics(run: run, mode: .trainingPass).logits == store.dynamics(run: run).logits)
        #expect(try store.dynamics(run: run, mode: .epochEndEvaluation).logits != store.dynamics(run: run).logits)
        #expect(try store.dynamicsRowCount(run: run, mode: .epochEndEvaluation) == 20)
    }

    @Test func reappendingAnEpochIsRejectedAndChangesNothing() throws {
        let (store, _, run) = try StoreFixtures.storeWithRun()
        try store.appendEpoch(run: run, epoch: 0, rows: StoreFixtures.epochRows(epoch: 0, count: 30))
        #expect(throws: StoreError.duplicateEpoch(path: store.path, run: run.rawValue, mode: "training_pass", epoch: 0)) {
            try store.appendEpoch(run: run, epoch: 0, rows: StoreFixtures.epochRows(epoch: 7, count: 30))
        }
        #expect(try store.dynamicsRowCount(run: run) == 30)
        #expect(try store.epoch(run: run, epoch: 0).rows == StoreFixtures.epochRows(epoch: 0, count: 30))
    }

    /// The failure comes from SQLite in the middle of the epoch's transaction (the primary key refuses the
    /// second copy of an example index, part-way through the inserts): nothing of that epoch may remain.
    @Test func aFailureMidEpochLeavesNothingOfThatEpoch() throws {
        let (store, directory, run) = try StoreFixtures.storeWithRun()
        let n = 400
        try store.appendEpoch(run: run, epoch: 0, rows: StoreFixtures.epochRows(epoch: 0, count: n))
        let before = try store.dynamics(run: run)

        var broken = StoreFixtures.epochRows(epoch: 1, count: n)
        // Inserts run in example-index order, 128 rows per statement; duplicating index 200 into the row that
        // held index 201 makes the second statement fail when the first 128 rows of this epoch (and the
        // epoch's own record) are already in the transaction.
        let victim = try #require(broken.exampleIndices.firstIndex(of: 201))
        let original = try #require(broken.exampleIndices.firstIndex(of: 200))
        broken.exampleIndices[victim] = 200
        let reported = max(victim, original)  // of two equal indices, the later position is inserted second
        #expect {
            try store.appendEpoch(run: run, epoch: 1, rows: broken)
        } throws: { error in
            guard case .invalidInput(_, _, "exampleIndices", reported?, let reason) = error as? StoreError else { return false }
            return reason.contains("200")
        }
        #expect(try store.dynamicsRowCount(run: run) == n)
        #expect(try store.recordedEpochs(run: run).map(\.epoch) == [0])
        #expect(try store.dynamics(run: run) == before)
        let reader = try RunStore.open(directory: directory.path, access: .readOnly)
        #expect(try reader.dynamicsRowCount(run: run) == n)

        // The same epoch, correct this time, is accepted: the failed attempt left no trace.
        try store.appendEpoch(run: run, epoch: 1, rows: StoreFixtures.epochRows(epoch: 1, count: n))
        #expect(try store.dynamicsRowCount(run: run) == 2 * n)
    }

    /// A contradiction with an earlier epoch is found only after every row of the new epoch is inserted: the
    /// whole transaction still rolls back.
    @Test func anEpochContradictingTheFirstEpochIsRolledBackWhole() throws {
        let (store, _, run) = try StoreFixtures.storeWithRun()
        try store.appendEpoch(run: run, epoch: 0, rows: StoreFixtures.epochRows(epoch: 0, count: 50))
        var changedGold = StoreFixtures.epochRows(epoch: 1, count: 50)
        let slot = try #require(changedGold.exampleIndices.firstIndex(of: 17))
        changedGold.golds[slot] = (changedGold.golds[slot] + 1) % 3
        #expect {
            try store.appendEpoch(run: run, epoch: 1, rows: changedGold)
        } throws: { error in
            guard case .invalidInput(_, _, "golds", slot?, let reason) = error as? StoreError else { return false }
            return reason.contains("example index 17")
        }
        var changedID = StoreFixtures.epochRows(epoch: 1, count: 50)
        changedID.exampleIDs[slot] = "somebody-else"
        #expect(throws: StoreError.self) { try store.appendEpoch(run: run, epoch: 1, rows: changedID) }
        var moreClasses = StoreFixtures.epochRows(epoch: 1, count: 50, classes: 4)
        moreClasses.golds = moreClasses.golds.map { $0 % 3 }
        #expect(throws: StoreError.self) { try store.appendEpoch(run: run, epoch: 1, rows: moreClasses) }
        #expect(try store.dynamicsRowCount(run: run) == 50)
    }

    @Test func badRowsAreRejectedBeforeAnyWrite() throws {
        let (store, _, run) = try StoreFixtures.storeWithRun()
        let good = StoreFixtures.epochRows(epoch: 0, count: 10)
        var nan = good
        nan.logits[7] = .nan
        var badGold = good
        badGold.golds[3] = 3
        var shortLogits = good
        shortLogits.logits.removeLast()
        var shortIDs = good
        shortIDs.exampleIDs.removeLast()
        var negative = good
        negative.exampleIndices[0] = -1
        let cases: [(DynamicsRows, String, Int?)] = [
            (nan, "logits", 2), (badGold, "golds", 3), (shortLogits, "logits", nil), (shortIDs, "rows", nil),
            (negative, "exampleIndices", 0),
        ]
        for (rows, field, index) in cases {
            #expect {
                try store.appendEpoch(run: run, epoch: 0, rows: rows)
            } throws: { error in
                guard case .invalidInput(let path, _, let f, let i, _) = error as? StoreError else { return false }
                return path == store.path && f == field && i == index
            }
        }
        #expect(throws: StoreError.self) { try store.appendEpoch(run: RunID(999), epoch: 0, rows: good) }
        #expect(try store.dynamicsRowCount(run: run) == 0)
        #expect(throws: StoreError.self) { try store.dynamics(run: run) }
    }

    @Test func raggedEpochsAreStoredButNotReadAsDense() throws {
        let (store, _, run) = try StoreFixtures.storeWithRun()
        try store.appendEpoch(run: run, epoch: 0, rows: StoreFixtures.epochRows(epoch: 0, count: 40))
        // A partial last epoch (cartography keeps these): the first 25 examples only.
        var partial = StoreFixtures.epochRows(epoch: 1, count: 40)
        let keep = partial.exampleIndices.indices.filter { partial.exampleIndices[$0] < 25 }
        partial = DynamicsRows(
            exampleIndices: keep.map { partial.exampleIndices[$0] }, exampleIDs: keep.map { partial.exampleIDs[$0] },
            golds: keep.map { partial.golds[$0] }, classes: 3,
            logits: keep.flatMap { partial.logits[($0 * 3)..<($0 * 3 + 3)] })
        try store.appendEpoch(run: run, epoch: 1, rows: partial)
        #expect(try store.epoch(run: run, epoch: 1).rows == partial)
        #expect {
            try store.dynamics(run: run)
        } throws: { error in
            guard case .raggedDynamics(_, run.rawValue, 1, _) = error as? StoreError else { return false }
            return true
        }
    }
}
