import Foundation
import FTFTCartography
import FTFTDeterminism

/// Deterministic workloads for benchmarks (issue 4's targets: statistics and selection for 400,000 examples ×
/// 5 epochs × 3 classes in well under a second; importing the same from cartography JSONL at disk speed).
/// A benchmark validates with `validate` first, then times `statisticsAndSelection` and `CartographyFiles.readDynamics`.
public enum CartographyWorkloads {
    /// Dynamics with a learning trend: logits ~ N(0, 1.2) per class plus (difficulty + 0.8·epoch) on the gold
    /// class, difficulty ~ N(0, 1.5), gold uniform; ids are decimal integers; everything from
    /// `SeededRandom(seed).stream(.testing, …)`.
    public static func syntheticDynamics(examples n: Int, epochs e: Int, classes c: Int, seed: UInt64 = 1) throws -> TrainingDynamics {
        let random = SeededRandom(seed: seed)
        var setup = random.stream(.testing, 0)
        var gold = [Int](repeating: 0, count: n)
        var difficulty = [Float](repeating: 0, count: n)
        for i in 0..<n {
            gold[i] = setup.nextInt(below: c)
            difficulty[i] = 1.5 * setup.nextNormal()
        }
        var logits = [Float](repeating: 0, count: e * n * c)
        for epoch in 0..<e {
            var stream = random.stream(.testing, UInt64(1 + epoch))
            for i in 0..<n {
                for k in 0..<c {
                    var v = 1.2 * stream.nextNormal()
                    if k == gold[i] { v += difficulty[i] + 0.8 * Float(epoch) }
                    logits[(epoch * n + i) * c + k] = v
                }
            }
        }
        return try TrainingDynamics(exampleIDs: (0..<n).map { String(1_000_000 + $0) }, goldLabels: gold, classCount: c,
                                    epochCount: e, logits: logits,
                                    metadata: DynamicsMetadata(mode: .trainingPass, source: "synthetic workload"))
    }

    /// The timed work: the data map plus the three selections FTFT needs at 33 % (ambiguous by FTFT's rule,
    /// ambiguous by the exact rule, easy by FTFT's rule).
    public static func statisticsAndSelection(_ dynamics: TrainingDynamics, threads: Int = 1) throws -> (map: DataMap, selected: [Int]) {
        let map = try DataMap.compute(from: dynamics, threads: threads)
        let ftft = try Selector.select(map, mode: .ambiguous, rates: [0.33], rule: .ftft)[0]
        let exact = try Selector.select(map, mode: .ambiguous, rates: [0.33], rule: .exact)[0]
        let easy = try Selector.select(map, mode: .easy, rates: [0.33], rule: .ftft)[0]
        return (map, [ftft.indices.count, exact.indices.count, easy.indices.count])
    }

    /// Checks a result before it is timed: selection counts within the rules' bounds and no NaN.
    public static func validate(_ result: (map: DataMap, selected: [Int])) -> Bool {
        let n = result.map.exampleCount
        let exact = SelectionRules.exactCount(rate: 0.33, count: n)
        return result.map.variability.allSatisfy(\.isFinite) && result.selected[1] == exact
            && abs(result.selected[0] - exact) <= 2 && result.selected[2] <= n - exact + 2
    }
}
