import Foundation
import Testing
import FTFTStore
import FTFTTestSupport
@testable import FTFTExperiments

/// `models.<name>.max_steps` (issue 14): a model whose runs train for fewer updates than the shared budget — a
/// cheaper reference (a data map from 2 epochs) or a main model at a fraction of the budget (the paper's
/// Figure 1). On the pipeline test's task: 200 examples in batches of 16 are 13 updates an epoch, so 26 updates
/// are exactly 2 epochs of dynamics, against the shared 39 (3 epochs).
struct ModelBudgetTests {
    static let yaml = """
        experiment: budget-test
        task: {name: embedded, max_length: 40, embedded: {train_size: 200, validation_size: 40, ood_dev_size: 40, ood_test_size: 40}}
        seeds: [0]
        models:
          tiny:  {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 3e-3}
          tiny-2ep: {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 3e-3, max_steps: 26}
          large: {scratch: {layers: 1, hidden: 32, heads: 2, intermediate: 64}, learning_rate: 3e-3}
          large-third: {scratch: {layers: 1, hidden: 32, heads: 2, intermediate: 64}, learning_rate: 3e-3, max_steps: 13}
        training: {max_steps: 39, batch_size: 16, eval_interval: 6}
        compute_unit: large
        methods:
          - {label: "ERM", method: erm, model: large}
          - {label: "FTFT tiny", method: ftft, reference: tiny, model: large, patience: 2}
          - {label: "FTFT tiny 2 epochs", method: ftft, reference: tiny-2ep, model: large, patience: 2}
          - {label: "ERM ⅓", method: erm, model: large-third}
          - {label: "DM", method: dm, reference: tiny, model: large}
          - {label: "DM ⅓", method: dm, reference: tiny, model: large-third}
          - {label: "ERM(ES)", method: erm_es, model: large, patience: 2}
        """

    static func parse(_ yaml: String, base: String = "/tmp") throws -> ExperimentSpec {
        try ExperimentSpec.parse(yaml: yaml, file: "budget-test.yaml", baseDirectory: base, environment: [:])
    }

    struct Fixture: @unchecked Sendable {
        let runner: ExperimentRunner
        let results: ExperimentResults
    }

    static let fixture: Result<Fixture, Error> = Result {
        let directory = try PackagePaths.temporaryDirectory("ftft-budget")
        let runner = try ExperimentRunner(spec: try parse(yaml, base: directory.path), outputDirectory: directory.path)
        runner.kernelPath = .reference
        let manifest = try runner.run()
        return Fixture(runner: runner,
                       results: try ExperimentResults.load(manifest: manifest, store: runner.store, directory: runner.directory))
    }

    @Test func theKeyIsReadAndOtherModelsKeepTheSharedBudget() throws {
        let spec = try Self.parse(Self.yaml)
        #expect(spec.model(named: "tiny-2ep")?.maxSteps == 26 && spec.model(named: "tiny")?.maxSteps == nil)
        #expect(spec.maxSteps(ofModel: "tiny-2ep") == 26 && spec.maxSteps(ofModel: "tiny") == 39)
        #expect(spec.evaluationsPerFullRun(ofModel: "tiny-2ep") == 5 && spec.evaluationsPerFullRun == 7)
    }

    @Test func badValuesNameTheKeyAndLine() throws {
        for bad in ["0", "-3", "2.5", "many"] {
            #expect(throws: ExperimentError.self) {
                try Self.parse(Self.yaml.replacingOccurrences(of: "max_steps: 26}", with: "max_steps: \(bad)}"))
            }
        }
        #expect(throws: ExperimentError.outOfRange(file: "budget-test.yaml", path: "models.tiny-2ep.max_steps", line: 6,
                                                   reason: "must be at least 1 (got 0)")) {
            try Self.parse(Self.yaml.replacingOccurrences(of: "max_steps: 26}", with: "max_steps: 0}"))
        }
        // Patience is checked against the evaluations of the main model's own budget: 12 updates are 2 evaluations.
        let shortMain = Self.yaml.replacingOccurrences(of: "max_steps: 26}", with: "max_steps: 12}")
            .replacingOccurrences(of: "reference: tiny-2ep, model: large", with: "reference: tiny, model: tiny-2ep")
        #expect(throws: ExperimentError.self) { try Self.parse(shortMain) }
    }

    /// One epoch of dynamics makes no data map: refused with the reference's own step count before training.
    @Test func aReferenceTooShortForADataMapIsRefusedBeforeTraining() throws {
        let spec = try Self.parse(Self.yaml.replacingOccurrences(of: "max_steps: 26}", with: "max_steps: 20}"))
        do {
            try ExperimentRunner.checkAgainstData(spec: spec, trainCount: 200, file: "budget-test.yaml")
            Issue.record("a reference of 1 epoch was accepted")
        } catch let ExperimentError.outOfRange(_, path, _, reason) {
            #expect(path == "methods[2]")
            #expect(reason.contains("1 epoch(s) of 200 examples in 20 steps"), "\(reason)")
        }
        try ExperimentRunner.checkAgainstData(spec: try Self.parse(Self.yaml), trainCount: 200, file: "budget-test.yaml")
    }

    /// Adding a model with its own budget changes no other run's identity (finished runs stay reusable).
    @Test func otherRunsKeepTheirIdentity() throws {
        let directory = try PackagePaths.temporaryDirectory("ftft-budget-identity")
        let with = try ExperimentRunner(spec: try Self.parse(Self.yaml, base: directory.path), outputDirectory: directory.path,
                                        readOnly: true)
        let withoutYAML = Self.yaml.replacingOccurrences(
            of: "  tiny-2ep: {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 3e-3, max_steps: 26}\n", with: "")
            .replacingOccurrences(of: "\n  - {label: \"FTFT tiny 2 epochs\", method: ftft, reference: tiny-2ep, model: large, patience: 2}", with: "")
        #expect(!withoutYAML.contains("tiny-2ep"))
        let without = try ExperimentRunner(spec: try Self.parse(withoutYAML, base: directory.path),
                                           outputDirectory: directory.path, readOnly: true)
        for model in ["tiny", "large"] {
            let a = try with.configuration(model: model, seed: 0, subset: nil, patience: nil)
            let b = try without.configuration(model: model, seed: 0, subset: nil, patience: nil)
            #expect(try a.sha256() == b.sha256(), "\(model)")
        }
        let short = try with.configuration(model: "tiny-2ep", seed: 0, subset: nil, patience: nil)
        let full = try with.configuration(model: "tiny", seed: 0, subset: nil, patience: nil)
        #expect(short.training.maxSteps == 26 && full.training.maxSteps == 39)
        #expect(try short.sha256() != full.sha256())
    }

    @Test func theShortReferenceTrainsItsBudgetAndItsMapHasTwoEpochs() throws {
        let f = try Self.fixture.get()
        let cheap = try #require(f.results.methods.first { $0.method.label == "FTFT tiny 2 epochs" }?.seeds.first)
        let full = try #require(f.results.methods.first { $0.method.label == "FTFT tiny" }?.seeds.first)
        let cheapReference = try #require(cheap.reference), fullReference = try #require(full.reference)
        #expect(cheapReference.steps == 26 && fullReference.steps == 39)
        let referenceRun = try #require(cheap.referenceRun)
        let maps = try f.runner.store.dataMaps(run: referenceRun)
        #expect(!maps.isEmpty && maps.allSatisfy { $0.map.epochCount == 2 })
        // Fewer updates of the same architecture cost fewer FLOPs, and the compute column charges exactly them.
        #expect(cheapReference.countedTrainingFLOPs < fullReference.countedTrainingFLOPs)
        let referenceShare = 100 * Double(cheapReference.countedTrainingFLOPs) / Double(cheap.unit.countedTrainingFLOPs)
        let mainShare = 100 * Double(cheap.main.countedTrainingFLOPs) / Double(cheap.unit.countedTrainingFLOPs)
        #expect(abs(cheap.countedCompute - (referenceShare + mainShare)) < 1e-9)
        // The paper's estimate charges the reference its share of the budget: N_ref·26/39.
        let estimate = cheap.parameterEstimate(maxSteps: 39)
        let expected = 100 * (Double(cheapReference.parameterCount) * 26 / 39
                              + Double(cheap.main.parameterCount) * Double(cheap.main.steps) / 39) / Double(cheap.unit.parameterCount)
        #expect(abs(estimate - expected) < 1e-9)
    }

    /// Figure 1: rows that differ only in the main model's budget form a curve (ERM: large-third, large; DM from
    /// tiny: the same), early-stopped rows none; each point holds its method's own summaries.
    @Test func budgetCurvesJoinRowsThatDifferOnlyInTheBudget() throws {
        let f = try Self.fixture.get()
        let curves = BudgetCurves(results: f.results)
        #expect(curves.curves.map(\.name) == ["ERM", "DM"])
        for curve in curves.curves {
            #expect(curve.points.map(\.maxSteps) == [13, 39])
            #expect(curve.points.map(\.fraction) == [1.0 / 3, 1])
            for p in curve.points {
                let m = try #require(f.results.methods.first { $0.method.label == p.label })
                #expect(p.oodAverage.mean == m.summary { f.results.oodAverage($0.reported).map { 100 * $0 } }.mean)
                #expect(p.compute.mean == m.summary { $0.countedCompute }.mean)
                #expect(p.oodAverage.count == 1)
            }
        }
        // A third of the updates of the same model costs about a third of the compute (batches differ in length).
        let erm = curves.curves[0].points
        #expect(erm[0].compute.mean < 50 && abs(erm[1].compute.mean - 100) < 1e-9)
        let table = curves.table()
        #expect(table.name == "figure1_budget-test" && table.rows.count == 4)
        #expect(table.rows.map { $0[1] } == ["ERM ⅓", "ERM", "DM ⅓", "DM"])
        #expect(curves.svg(title: "t").contains("<svg"))
    }

    /// Each row against ERM of the unit model at the same budget, paired by seed; ERM itself is no row. One seed
    /// gives a difference but no interval, so every verdict is "inconclusive".
    @Test func pairedComparisonsUseTheBaselineOfTheSameBudget() throws {
        let f = try Self.fixture.get()
        let paired = PairedComparisons(results: f.results)
        #expect(paired.rows.map(\.label) == ["FTFT tiny", "FTFT tiny 2 epochs", "DM", "DM ⅓", "ERM(ES)"])
        #expect(paired.rows.map(\.baseline) == ["ERM", "ERM", "ERM", "ERM ⅓", "ERM"])
        for r in paired.rows {
            let a = try #require(f.results.methods.first { $0.method.label == r.label }?.seeds.first)
            let b = try #require(f.results.methods.first { $0.method.label == r.baseline }?.seeds.first)
            let ood = try #require(f.results.oodAverage(a.reported)), baseOOD = try #require(f.results.oodAverage(b.reported))
            #expect(r.oodAverage.count == 1 && r.oodAverage.mean == 100 * ood - 100 * baseOOD)
            #expect(r.oodAverage.verdict == .inconclusive && !r.oodAverage.low.isFinite)
        }
        let table = paired.table()
        #expect(table.name == "paired_budget-test" && table.rows.count == 5 && table.rows.allSatisfy { $0[7] == "inconclusive" })
    }

    /// The HTML report shows the same tables and figures `ftft tables` writes.
    @Test func theHTMLReportShowsThePairedRowsFigure1AndTheTransferDiagnostics() throws {
        let f = try Self.fixture.get()
        let html = try ExperimentReport(results: f.results).html(store: f.runner.store)
        for heading in ["Each row against ERM, paired by seed", "Figure 1: metrics against the step budget",
                        "Transfer diagnostics (the paper's §4)", "The paper's claims", "FTFT is more robust than ERM at a lower cost: ", "Figure 1a: overlap", "Figure 2: median gold-class probability"] {
            #expect(html.contains(heading), "\(heading)")
        }
        #expect(html.contains("<td>DM ⅓</td><td>ERM ⅓</td>"))
    }

    /// The tables' machine-time sentence sums each distinct run's end-to-end wall time once.
    @Test func machineTimeIsTheSumOfTheDistinctRunsWallTime() throws {
        let f = try Self.fixture.get()
        let seconds = f.results.runs.compactMap { $0.timeSplit?.totalSeconds }
        #expect(seconds.count == f.results.runs.count && seconds.count == Set(f.results.runs.map(\.run)).count)
        let expected = String(format: "Machine time: %.2f h of wall time over the %d distinct runs,", seconds.reduce(0, +) / 3600,
                              seconds.count)
        #expect(f.results.machineTimeLine.hasPrefix(expected), "\(f.results.machineTimeLine)")
    }

    /// The claims file finds its rows by structure: FTFT's reference (tiny) gives the transfer row (DM) and Figure 1's
    /// row (DM ⅓); there is no DM large → large, so that comparison and the overlap with large's own map are left
    /// out. One seed: no verdict is "supported".
    @Test func theClaimsReportFindsItsRowsAndGivesNoVerdictFromOneSeed() throws {
        let f = try Self.fixture.get()
        let transfer = try TransferDiagnosticsReport.load(results: f.results, store: f.runner.store)
        let claims = ClaimsReport(results: f.results, transfer: transfer)
        #expect(claims.claims.count == 3)
        #expect(claims.claims[0].evidence.first?.hasPrefix("DM − ERM, OOD avg: ") == true, "\(claims.claims[0].evidence)")
        // The main model's own map exists only where it serves as a reference (DM large → large): not here.
        #expect(!claims.claims[0].evidence.contains { $0.hasPrefix("Overlap of the ambiguous 33 %") })
        #expect(!claims.claims[0].evidence.contains { $0.contains("(the paper: comparable") })
        #expect(claims.claims[1].evidence.first?.hasPrefix("At 33 % of the budget (13 updates), DM ⅓ − ERM ⅓, OOD avg:") == true,
                "\(claims.claims[1].evidence)")
        #expect(claims.claims[2].evidence.first?.hasPrefix("FTFT tiny − ERM, OOD avg: ") == true)
        #expect(claims.claims[2].evidence.contains { $0.hasPrefix("FTFT tiny 2 epochs − ERM, OOD avg: ") })
        #expect(claims.claims[0].verdict == "inconclusive" && claims.claims[1].verdict == "inconclusive")
        let ftft = try #require(f.results.methods.first { $0.method.label == "FTFT tiny" })
        let cheaper = ftft.seeds.allSatisfy { $0.countedCompute < 100 }
        #expect(claims.claims[2].verdict == (cheaper ? "inconclusive" : "not supported"))
        // One seed: the sd is undefined and printed as 0; the maximum and the count are that seed's.
        let compute = String(format: "%.2f", try #require(ftft.seeds.first).countedCompute)
        #expect(claims.claims[2].evidence.contains("Compute (counted FLOPs, ERM = 100): \(compute) ± 0.00 (max \(compute) over 1 seed)."),
                "\(claims.claims[2].evidence)")
        #expect(claims.markdown.contains("## 3. FTFT is more robust than ERM at a lower cost: **"))
        // The paper's control: FTFT against early stopping alone, paired by seed from the two rows' reported values.
        let es = try #require(f.results.methods.first { $0.method.label == "ERM(ES)" })
        let ood = { (m: MethodResult) -> Double in 100 * (m.seeds.first.flatMap { f.results.oodAverage($0.reported) } ?? .nan) }
        let line = try #require(claims.claims[2].evidence.first { $0.hasPrefix("FTFT tiny − ERM(ES) (early stopping alone, the paper's control), OOD avg: ") },
                                "\(claims.claims[2].evidence)")
        #expect(line.contains(String(format: "OOD avg: %+.2f points (1 seed; no interval)", ood(ftft) - ood(es))), "\(line)")
        #expect(line.hasSuffix(String(format: "; compute of ERM(ES) %.2f.", try #require(es.seeds.first).countedCompute)), "\(line)")
    }

    /// A Figure 1 experiment without FTFT rows (nli-budgets.yaml): the smaller reference comes from the DM row, so
    /// claims 1 and 2 are tested and claim 3 says "not tested".
    @Test func withoutFTFTRowsTheClaimsTakeTheReferenceFromDM() throws {
        let f = try Self.fixture.get()
        var results = f.results
        results.methods.removeAll { $0.method.kind == .ftft || $0.method.kind == .ermES }
        let transfer = try TransferDiagnosticsReport.load(results: results, store: f.runner.store)
        let claims = ClaimsReport(results: results, transfer: transfer)
        #expect(claims.claims[0].evidence.first?.hasPrefix("DM − ERM, OOD avg: ") == true, "\(claims.claims[0].evidence)")
        #expect(claims.claims[1].evidence.first?.hasPrefix("At 33 % of the budget (13 updates), DM ⅓ − ERM ⅓, OOD avg:") == true,
                "\(claims.claims[1].evidence)")
        #expect(claims.claims[0].verdict == "inconclusive" && claims.claims[1].verdict == "inconclusive")
        #expect(claims.claims[2].verdict == "not tested" && claims.claims[2].evidence == ["No FTFT row with the main model at the full budget."],
                "\(claims.claims[2].evidence)")
    }

    /// A row without a finished seed (a table still running) tests nothing: "not tested", never "not supported"
    /// from a cost that was not measured (found on the HSD table with only the ERM rows finished).
    @Test func rowsWithoutACommonSeedAreNotTested() throws {
        let f = try Self.fixture.get()
        var results = f.results
        for i in results.methods.indices where ["FTFT tiny", "DM", "FTFT tiny 2 epochs"].contains(results.methods[i].method.label) {
            results.methods[i].seeds = []
        }
        let transfer = try TransferDiagnosticsReport.load(results: f.results, store: f.runner.store)
        let claims = ClaimsReport(results: results, transfer: transfer)
        #expect(claims.claims[0].verdict == "not tested", "\(claims.claims[0].evidence)")
        #expect(claims.claims[2].verdict == "not tested", "\(claims.claims[2].evidence)")
        #expect(claims.claims[2].evidence.contains("Compute: FTFT tiny has no finished seed."), "\(claims.claims[2].evidence)")
        // The other FTFT rows' line says so too, instead of a compute of "nan" (seen on the HSD table mid-run).
        #expect(claims.claims[2].evidence.contains { $0.hasPrefix("FTFT tiny 2 epochs − ERM, OOD avg: ") && $0.hasSuffix("; no finished seed.") },
                "\(claims.claims[2].evidence)")
        #expect(!claims.markdown.contains("nan"))
    }
}
