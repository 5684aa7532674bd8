import Foundation
import Testing
import FTFTData
import FTFTStore
import FTFTTestSupport
@testable import FTFTExperiments

/// `ftft tables`: this project's results in the paper's table layout. The NLI and HSD layouts must reproduce the
/// published CSVs' columns exactly (then ftft's extras); the values come from results built here.
struct PaperTablesTests {
    static func published(_ name: String) throws -> [String] {
        let text = try String(contentsOf: PackagePaths.root.appendingPathComponent("paper-tables/published/\(name).csv"), encoding: .utf8)
        return PaperTable.parseCSV(text).header
    }

    /// Results of one method with two seeds whose reported checkpoint has the given metrics; the experiment is named
    /// after its task (the paper's table) unless `name` says otherwise.
    static func results(task kind: TaskSpec.Kind, metrics: [[String: Double]], methods: [MethodSpec],
                        name: String? = nil) -> ExperimentResults {
        let task = TaskSpec(kind: kind, dataRoot: nil, maxLength: 128, trainLimit: nil, evalLimit: nil, sampleSeed: 0)
        let definition = task.definition()
        let training = TrainingSpec(maxSteps: 90, batchSize: 32, warmupRate: 0.1, evalInterval: 10, evalBatchSize: 64,
                                    adamEpsilon: 1e-6, weightDecay: 0, maxGradNorm: 1)
        let spec = ExperimentSpec(name: name ?? task.name, summary: nil, task: task, seeds: [0, 1], threads: 1, models: [],
                                  training: training, methods: methods, computeUnit: "large", keepCheckpoints: false,
                                  storeLogits: false)
        func entry(_ run: Int64, flops: Int64, steps: Int) -> ComputeEntry {
            ComputeEntry(run: RunID(run), phase: "train", parameterCount: 1000, kaplanTrainingFLOPs: flops, preciseTrainingFLOPs: flops,
                         countedTrainingFLOPs: flops, countedEvaluationFLOPs: 0, trainingWallSeconds: 1, evaluationWallSeconds: 0,
                         steps: steps, tokensWithPadding: 1, tokensWithoutPadding: 1, examples: 1)
        }
        let method = methods.map { m in
            MethodResult(method: m, seeds: metrics.enumerated().map { seed, values in
                let checkpoint = CheckpointResult(checkpoint: 9, step: 90,
                                                  dev: values.filter { k, _ in !definition.oodTest.contains { $0.name == k } },
                                                  test: values.filter { k, _ in definition.oodTest.contains { $0.name == k } },
                                                  criterion: 0.5)
                return SeedResult(seed: UInt64(seed), mainRun: RunID(1), checkpoints: [checkpoint], reported: checkpoint,
                                  mainSteps: 90, checkpointsTrained: 9, postHoc: nil,
                                  main: entry(1, flops: 500 + 100 * Int64(seed), steps: 90), reference: nil,
                                  unit: entry(2, flops: 1000, steps: 90), selectedCount: nil, poolCount: nil)
            })
        }
        return ExperimentResults(spec: spec, task: definition, methods: method, directory: "/nonexistent")
    }

    @Test func nliTableHasThePublishedColumnsThenHANS() throws {
        let erm = MethodSpec(label: "ERM", kind: .erm, model: "large", reference: nil, mode: .ambiguous, rate: 0.33, rule: .ftft,
                             ddof: 1, patience: nil)
        let ftft = MethodSpec(label: "FTFT", kind: .ftft, model: "large", reference: "small", mode: .ambiguous, rate: 0.33,
                              rule: .ftft, ddof: 1, patience: 2)
        let seed0 = ["mnli": 0.8, "anli_r1": 0.3, "anli_r2": 0.31, "anli_r3": 0.32, "hans": 0.55, "anli_r1_dev": 0.1]
        let seed1 = ["mnli": 0.82, "anli_r1": 0.34, "anli_r2": 0.33, "anli_r3": 0.30, "hans": 0.57]
        let table = Self.results(task: .nli(validationFraction: 0.2, splitSeed: 0), metrics: [seed0, seed1], methods: [erm, ftft]).paperTable()
        #expect(table.name == "table1_nli")
        let published = try Self.published("table1_nli")
        let metricColumns = published.prefix { !$0.hasSuffix("_source") }   // row … anli_r3_test_acc_std
        var expected = Array(metricColumns)
        expected.insert("hans_test_acc", at: expected.firstIndex(of: "multinli_val_acc_std") ?? 0)
        expected.append("hans_test_acc_std")
        #expect(Array(table.header.prefix(expected.count)) == expected)
        let row = Dictionary(uniqueKeysWithValues: zip(table.header, table.rows[1]))
        #expect(row["method"] == "FTFT" && row["ref_model"] == "small" && row["section"] == "ftft")
        let validationSD: Double = 2 / 2.0.squareRoot()
        #expect(row["multinli_val_acc"] == "81.00" && row["multinli_val_acc_std"] == String(format: "%.2f", validationSD))
        #expect(row["anli_r1_test_acc"] == "32.00" && row["hans_test_acc"] == "56.00")
        let average: Double = ((0.3 + 0.31 + 0.32) / 3 + (0.34 + 0.33 + 0.30) / 3) / 2
        #expect(row["ood_avg"] == String(format: "%.2f", 100 * average))
        let computeSD: Double = 10 / 2.0.squareRoot()   // 50 and 60 % of the unit
        #expect(row["compute"] == "55.00" && row["compute_std"] == String(format: "%.2f", computeSD))
        // The CSV round-trips through the parser the Markdown page uses.
        let parsed = PaperTable.parseCSV(table.csv)
        #expect(parsed.header == table.header && parsed.rows == table.rows)
        let page = table.markdown(published: try String(contentsOf: PackagePaths.root.appendingPathComponent("paper-tables/published/table1_nli.csv"), encoding: .utf8),
                                  title: "t")
        #expect(page.contains("| FTFT | large | small | 55.00 |") && page.contains("| FTFT | DeBERTaV3-large | DeBERTaV3-small | 51.97 |"))
    }

    /// Only the experiment named after its task fills the paper's table: a pilot of the same task gets its own file
    /// (it must never overwrite table1_nli), still laid out and compared like the paper's.
    @Test func anotherExperimentOfThePapersTaskGetsItsOwnTable() throws {
        let erm = MethodSpec(label: "ERM", kind: .erm, model: "large", reference: nil, mode: .ambiguous, rate: 0.33, rule: .ftft,
                             ddof: 1, patience: nil)
        let metrics = ["mnli": 0.8, "anli_r1": 0.3, "anli_r2": 0.31, "anli_r3": 0.32, "hans": 0.55]
        let paper = Self.results(task: .nli(validationFraction: 0.2, splitSeed: 0), metrics: [metrics, metrics], methods: [erm])
        let pilot = Self.results(task: .nli(validationFraction: 0.2, splitSeed: 0), metrics: [metrics, metrics], methods: [erm],
                                 name: "nli-pilot")
        #expect(paper.paperTableName == "table1_nli" && paper.publishedTableName == "table1_nli")
        #expect(pilot.paperTableName == "table_nli-pilot" && pilot.publishedTableName == "table1_nli")
        #expect(pilot.paperTable().header == paper.paperTable().header)
        // Its page names the published file it shows (table1_nli.csv), not one named after the pilot.
        let page = pilot.paperTable().markdown(published: "method,main_model,ref_model,compute\nERM,x,-,100\n",
                                               publishedName: pilot.publishedTableName, title: "t")
        #expect(page.contains("## Published (the paper, `paper-tables/published/table1_nli.csv`)") && !page.contains("published/table_nli-pilot.csv"))
        #expect(pilot.perSeedTable().name == "table_nli-pilot_per_seed")
        #expect(PairedComparisons(results: pilot).stem == "nli-pilot" && BudgetCurves(results: pilot).stem == "nli-pilot")
    }

    @Test func hsdTableHasThePublishedColumns() throws {
        let erm = MethodSpec(label: "ERM", kind: .erm, model: "large", reference: nil, mode: .ambiguous, rate: 0.33, rule: .ftft,
                             ddof: 1, patience: nil)
        var metrics: [String: Double] = ["cad": 0.7]
        for round in 2...4 { for level in ["original", "perturbation"] { metrics["dynahate_r\(round)_\(level)"] = 0.5 + Double(round) / 100 } }
        let table = Self.results(task: .hsd, metrics: [metrics, metrics], methods: [erm]).paperTable()
        #expect(table.name == "table5_hsd")
        let published = try Self.published("table5_hsd")
        let expected = Array(published.prefix { !$0.hasSuffix("_source") })
        #expect(Array(table.header.prefix(expected.count)) == expected)
        let row = Dictionary(uniqueKeysWithValues: zip(table.header, table.rows[0]))
        #expect(row["dynahate_pert_r3_test_macro_f1"] == "53.00" && row["cad_val_macro_f1"] == "70.00")
        #expect(row["cad_val_macro_f1_std"] == "0.00" && row["method"] == "ERM" && row["ref_model"] == "-")
    }

    @Test func embeddedTableFromARealStore() throws {
        let f = try PipelineTests.fixture.get()
        let table = f.results.paperTable()
        #expect(table.name == "table_pipeline-test")
        #expect(Array(table.header.prefix(8)) == ["row", "section", "method", "main_model", "ref_model", "compute",
                                                  "embedded_validation_val_acc", "embedded_ood_test_test_acc"])
        #expect(table.rows.count == f.spec.methods.count)
        let rows = table.rows.map { Dictionary(uniqueKeysWithValues: zip(table.header, $0)) }
        #expect(rows[1]["method"] == "ERM" && rows[1]["compute"] == "100.00" && rows[1]["compute_std"] == "0.00")
        #expect(rows[6]["method"] == "DM" && rows[6]["ref_model"] == "Random")
        #expect(rows[4]["section"] == "transfer" && rows[8]["section"] == "ftft")
        for row in rows {
            #expect(Double(row["embedded_ood_test_test_acc"] ?? "") != nil && row["seeds"] == "2")
        }
    }
}
