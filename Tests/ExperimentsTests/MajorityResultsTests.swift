import Foundation
import Testing
import FTFTData
import FTFTStore
import FTFTTestSupport
@testable import FTFTExperiments

/// Runs at or below the majority baseline are flagged in every output and every table row is given over all seeds
/// and over the others, with both counts.
struct MajorityResultsTests {
    static let erm = MethodSpec(label: "ERM", kind: .erm, model: "large", reference: nil, mode: .ambiguous, rate: 0.33,
                                rule: .ftft, ddof: 1, patience: nil)

    /// Always predicting class 0 scores 0.4 accuracy on this validation set (2 of 5).
    static let baseline = MajorityBaseline(trainingLabels: [0, 0, 1], evaluationLabels: [0, 0, 1, 1, 2], set: "mnli",
                                           metric: .accuracy)

    /// NLI results of one method with three seeds: validation accuracy exactly at the baseline, one stored step
    /// (0.0001) above it, and well above.
    static func threeSeeds(validation: [Double] = [0.4, 0.4001, 0.8001]) -> ExperimentResults {
        let metrics = validation.enumerated().map { i, v in
            ["mnli": v, "anli_r1": 0.30 + Double(i) / 10, "anli_r2": 0.30, "anli_r3": 0.30, "hans": 0.5]
        }
        var results = PaperTablesTests.results(task: .nli(validationFraction: 0.2, splitSeed: 0), metrics: metrics, methods: [erm])
        results.majorityBaseline = baseline
        return results
    }

    static func row(_ table: PaperTable, _ index: Int = 0) -> [String: String] {
        Dictionary(uniqueKeysWithValues: zip(table.header, table.rows[index]))
    }

    @Test func theBaselineIsTheConstantPredictionsScore() throws {
        let baseline = try #require(Self.baseline)
        #expect(baseline.majorityClass == 0 && baseline.value == 0.4)
    }

    @Test func aRunAtTheBaselineIsFlaggedAndOneJustAboveIsNot() {
        let results = Self.threeSeeds()
        #expect(results.methods[0].seeds.map { results.isAtOrBelowMajority($0) } == [true, false, false])
        #expect(results.runsAtOrBelowMajority == ["ERM seed 0 (40.00)"])
    }

    @Test func aTableWithOneFlaggedSeedOfThreeGivesBothAggregatesWithTheirCounts() throws {
        let results = Self.threeSeeds()
        let table = results.paperTable()
        let row = Self.row(table)
        // Over all three seeds, as before.
        #expect(row["seeds"] == "3" && row["multinli_val_acc"] == "53.34")
        // Over the two seeds above the baseline: 40.01 and 80.01.
        #expect(row["seeds_excluding_majority"] == "2" && row["seeds_at_or_below_majority"] == "1")
        #expect(row["majority_baseline"] == "40.00")
        #expect(row["multinli_val_acc_excluding_majority"] == "60.01")
        #expect(row["multinli_val_acc_std_excluding_majority"] == String(format: "%.2f", 100 * 0.4 / 2.0.squareRoot()))
        // OOD avg of seeds 1 and 2: (0.4 + 0.3 + 0.3)/3 and (0.5 + 0.3 + 0.3)/3.
        let kept = [(0.4 + 0.3 + 0.3) / 3, (0.5 + 0.3 + 0.3) / 3]
        #expect(row["ood_avg_excluding_majority"] == String(format: "%.2f", 100 * (kept[0] + kept[1]) / 2))
        #expect(row["ood_avg_excluding_majority"] != row["ood_avg"])
        #expect(row["hans_test_acc_excluding_majority"] == "50.00")
        // The existing columns keep their names and places; the new ones come after them.
        let firstNew = try #require(table.header.firstIndex(of: "majority_baseline"))
        #expect(table.header[firstNew - 1] == "blas_kernel" && !table.header[..<firstNew].contains { $0.contains("majority") })

        let perSeed = results.perSeedTable()
        let flag = try #require(perSeed.header.firstIndex(of: "at_or_below_majority"))
        #expect(perSeed.rows.map { $0[flag] } == ["true", "false", "false"])
        #expect(Self.row(perSeed)["majority_baseline"] == "40.00")

        let page = table.markdown(published: nil, title: "t", majorityNote: results.majorityBaselineNote)
        #expect(page.contains("1 of 3 runs is at or below it: ERM seed 0 (40.00)."))
        #expect(page.contains("## This project without runs at or below the majority baseline"))
        // Compute of the kept seeds 1 and 2: 60 and 70 % of the unit.
        #expect(page.contains("| ERM | large | - | 65.00 | 60.01 |"), "\(page)")
    }

    @Test func theReportMarksTheFlaggedSeedAndSaysHowMany() throws {
        let results = Self.threeSeeds()
        let comparison = results.comparisonTable()
        #expect(comparison.header.last == "≤ majority" && comparison.rows[0].last == "⚠ 1")
        let majority = results.majorityTable()
        #expect(majority.rows[0][1] == "⚠ seed 0 (40.00)" && majority.rows[0].last == "2 of 3")
        #expect(majority.rows[0][2] == "60.01 ± 28.28")
        let markdown = ExperimentReport(results: results).markdown()
        #expect(markdown.contains("## Runs at or below the majority baseline") && markdown.contains("1 of 3 runs is at or below it"))
        #expect(markdown.contains("always predicting class 0 `entailment`"))
        let csv = PaperTable.parseCSV(results.csv())
        let column = try #require(csv.header.firstIndex(of: "at_or_below_majority"))
        #expect(csv.rows.map { $0[column] } == ["true", "false", "false"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(results.json().utf8)) as? [String: Any])
        #expect((json["majority_baseline"] as? [String: Any])?["value"] as? Double == 0.4)
    }

    @Test func withNoRunFlaggedTheExcludingFiguresEqualTheOthersAndTheNoteSaysSo() {
        let results = Self.threeSeeds(validation: [0.7, 0.8, 0.9])
        let row = Self.row(results.paperTable())
        #expect(row["seeds_excluding_majority"] == "3" && row["seeds_at_or_below_majority"] == "0")
        for column in ["multinli_val_acc", "ood_avg", "compute", "anli_r1_test_acc", "ood_avg_std"] {
            #expect(row[column + "_excluding_majority"] == row[column], "\(column)")
        }
        #expect(results.majorityBaselineNote.contains("No run of the 3 is at or below it, so the figures excluding such runs equal those over all seeds."))
        #expect(results.comparisonTable().rows[0].last == "0")
    }

    @Test func anUnknownBaselineLeavesTheExcludingFiguresEmptyAndSaysWhy() {
        var results = Self.threeSeeds()
        results.majorityBaseline = nil
        results.majorityBaselineUnknown = "no data here"
        let row = Self.row(results.paperTable())
        #expect(row["seeds_excluding_majority"] == "" && row["multinli_val_acc_excluding_majority"] == "")
        #expect(results.majorityBaselineNote.contains("unknown (no data here)"))
        #expect(results.methods[0].seeds.allSatisfy { results.isAtOrBelowMajority($0) == nil })
        #expect(results.comparisonTable().rows[0].last == "–")
    }

    @Test func theManifestRecordsTheBaselineAndAnOlderManifestsIsRecomputedFromTheSameData() throws {
        let f = try PipelineTests.fixture.get()
        let recorded = try #require(f.manifest.majorityBaseline)
        #expect(recorded == f.runner.task.majorityBaseline && recorded.set == "embedded_validation")
        #expect(f.results.majorityBaseline == recorded)
        #expect(recorded.trainingClassCounts.reduce(0, +) == 200 && recorded.exampleCount == 40)
        // A manifest written before the baseline was recorded: the same value, from the task's data.
        var older = f.manifest
        older.majorityBaseline = nil
        let recomputed = ExperimentResults.majorityBaseline(manifest: older, store: f.runner.store)
        #expect(recomputed.baseline == recorded && recomputed.unknown == nil)
        // Data that is not what the runs were trained on gives no baseline, and says why.
        guard case .embedded(var config) = older.spec.task.kind else { Issue.record("not the embedded task"); return }
        config.trainSize += 2
        older.spec.task.kind = .embedded(config)
        let other = ExperimentResults.majorityBaseline(manifest: older, store: f.runner.store)
        #expect(other.baseline == nil && other.unknown?.contains("not the data the runs were trained on") == true)
    }
}
