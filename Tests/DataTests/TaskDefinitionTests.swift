import FTFTData
import FTFTTestSupport
import Testing

/// The task definitions: set names and metrics in FTFT's order (method.md §1.6), the early-stopping
/// criterion, data roots, and loading (the shared data checked against golden/datasets_shared.json).
struct TaskDefinitionTests {
    @Test func paperTasksNameTheirSetsInFTFTOrder() throws {
        let nli = TaskDefinition.nli(), hsd = TaskDefinition.hsd()
        #expect(nli.labelNames == ["entailment", "neutral", "contradiction"] && nli.metric == .accuracy)
        #expect(nli.devSets.map(\.name) == ["mnli", "anli_r1", "anli_r2", "anli_r3"])
        #expect(nli.testSets.map(\.name) == ["anli_r1", "anli_r2", "anli_r3", "hans"])
        #expect(nli.testSets.map(\.metric) == [.accuracy, .accuracy, .accuracy, .hansAccuracy])
        let dynahate = ["r2_original", "r2_perturbation", "r3_original", "r3_perturbation", "r4_original", "r4_perturbation"].map { "dynahate_\($0)" }
        #expect(hsd.labelNames == ["not-hateful", "hateful"] && hsd.metric == .macroF1)
        #expect(hsd.devSets.map(\.name) == ["cad"] + dynahate)
        #expect(hsd.testSets.map(\.name) == dynahate)
        #expect((hsd.devSets + hsd.testSets + [hsd.train]).allSatisfy { $0.metric == .macroF1 })
        #expect(TaskDefinition.knownNames.allSatisfy { TaskDefinition.named($0)?.name == $0 })
        #expect(TaskDefinition.named("sts") == nil)
    }

    @Test func earlyStoppingCriterionIsTheMeanOfTheOODDevMetrics() throws {
        let nli = TaskDefinition.nli()
        let metrics = ["mnli": 0.9, "anli_r1": 0.3125, "anli_r2": 0.2871, "anli_r3": 0.3342]
        #expect(try nli.earlyStoppingCriterion(devMetrics: metrics) == (0.3125 + 0.2871 + 0.3342) / 3)
        #expect(throws: DatasetError.unknownDataset(task: "nli", name: "anli_r3", reason: "no dev metric given for it")) {
            try nli.earlyStoppingCriterion(devMetrics: ["anli_r1": 0.3, "anli_r2": 0.3])
        }
        let hsd = TaskDefinition.hsd()
        let six = Dictionary(uniqueKeysWithValues: hsd.oodDev.enumerated().map { ($1.name, 0.5 + 0.01 * Double($0)) })
        #expect(try hsd.earlyStoppingCriterion(devMetrics: six) == Metrics.mean(hsd.oodDev.map { six[$0.name] ?? .nan }))
    }

    @Test func dataRootsAndPaths() {
        #expect(TaskDefinition.defaultDataRoot(environment: ["FTFT_DATA": "/d", "FTFT_SHARED": "/s"]) == "/d")
        #expect(TaskDefinition.defaultDataRoot(environment: ["FTFT_SHARED": "/s"]) == "/s/datasets")
        #expect(TaskDefinition.defaultDataRoot(environment: [:]) == "../shared/datasets")
        #expect(TaskDefinition.resolve("a/b.gz", dataRoot: "/r/") == "/r/a/b.gz")
        #expect(TaskDefinition.resolve("/abs.gz", dataRoot: "/r") == "/abs.gz")
    }

    @Test func missingDataRootIsNamed() throws {
        let root = try TestFiles().missing("no-data")
        #expect(throws: DatasetError.unknownDataset(task: "hsd", name: "cad_train",
                                                    reason: "the data root \(root) is not a folder (set FTFT_DATA or pass a data root)")) {
            try TaskDefinition.hsd().load(dataRoot: root)
        }
    }

    @Test func embeddedTaskLoadsWithoutFiles() throws {
        var config = EmbeddedTaskConfig(seed: 2)
        config.trainSize = 400
        let data = try TaskDefinition.embedded(config).load(dataRoot: "/nonexistent")
        let direct = try EmbeddedTask(config: config)
        #expect(data.train == direct.train && data.oodTest == [direct.oodTest])
        #expect(data.devSets.map(\.name) == ["embedded_validation", "embedded_ood_dev"])
    }

    @Test(.enabled(if: SharedData.isAvailable("datasets"), Comment(rawValue: SharedData.skipMessage)))
    func paperTasksLoadFromTheSharedData() throws {
        let root = try SharedData.require("datasets").path
        let golden = try GoldenJSON("datasets_shared.json")
        let files: [String: Any] = try field(golden.root, "files")
        func rows(_ file: String, _ key: String? = nil) throws -> Int {
            let entry = key.map { (files[file] as? [String: Any])?[$0] } ?? files[file]
            return try field(entry, "rows")
        }
        let nli = try TaskDefinition.nli().load(dataRoot: root)
        let mnliCounts: [Int] = try field(files["mnli/dev_matched_bert100.tsv.gz"], "label_counts")
        let validationCounts = mnliCounts.map { Int((0.2 * Double($0) + 0.5).rounded(.down)) }
        #expect(nli.validation.labelCounts() == validationCounts)
        #expect(nli.train.labelCounts() == zip(mnliCounts, validationCounts).map { $0 - $1 })
        #expect(nli.train.name == "mnli_train" && nli.validation.name == "mnli")
        #expect(Set(nli.train.examples.map(\.id)).isDisjoint(with: nli.validation.examples.map(\.id)))
        #expect(try nli.oodDev.map(\.count) == (1...3).map { try rows("anli/R\($0)/dev.jsonl.gz") })
        #expect(try nli.oodTest.map(\.count) == (1...3).map { try rows("anli/R\($0)/test.jsonl.gz") } + [rows("hans/hans_like_seed0.tsv.gz")])

        let hsd = try TaskDefinition.hsd().load(dataRoot: root)
        #expect(try hsd.train.count == rows("cad/cad_v1_1_train.tsv.gz"))
        #expect(try hsd.validation.count == rows("cad/cad_v1_1_dev.tsv.gz"))
        for (split, sets) in [("dev", hsd.oodDev), ("test", hsd.oodTest)] {
            #expect(try sets.map(\.count) == sets.map { try rows("dynahate/dynahate_subset_\(split).csv.gz", $0.name) })
        }
    }
}
