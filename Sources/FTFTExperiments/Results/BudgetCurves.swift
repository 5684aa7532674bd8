import Foundation
import FTFTCartography

/// The paper's Figure 1 (DM-trained models learn faster): the reported metrics of methods that differ only in the
/// main model's step budget (`models.<name>.max_steps`), against that budget as a fraction of `training.max_steps`.
///
/// Methods form one curve when they share the method kind, the reference and the main model's weights (or
/// architecture) and learning rate — only the budget differs. Only full-length methods (ERM, DM, random DM): an
/// early-stopped method's budget is an upper bound, not a point on a curve. A curve needs two budgets or more.
public struct BudgetCurves: Sendable {
    public struct Point: Sendable {
        public var label: String
        public var model: String
        public var maxSteps: Int
        /// maxSteps / training.max_steps.
        public var fraction: Double
        /// Over seeds, in percent: the in-distribution validation metric, the OOD-test average, and compute.
        public var validation: SeedSummary
        public var oodAverage: SeedSummary
        public var compute: SeedSummary
    }

    public struct Curve: Sendable {
        /// The label of the method at the largest budget.
        public var name: String
        /// By budget, ascending.
        public var points: [Point]
    }

    public var curves: [Curve]
    public var validationName: String
    /// The files' name after figure1_: the experiment's (figure1_hsd for experiments/hsd.yaml).
    public var stem: String

    public init(results: ExperimentResults) {
        let spec = results.spec
        var groups: [String: [MethodResult]] = [:], order: [String] = []
        for m in results.methods where !m.method.isEarlyStopped {
            guard let model = spec.model(named: m.method.model) else { continue }
            // What must be equal for two rows to lie on one curve; the budget is left out on purpose.
            let key = [m.method.kind.rawValue, m.method.reference ?? "-", String(describing: model.source),
                       String(model.learningRate), model.tokenizer ?? "-"].joined(separator: "|")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(m)
        }
        let validation = results.validationName
        curves = order.compactMap { key in
            let members = groups[key] ?? []
            let points = members.map { m -> Point in
                let steps = spec.maxSteps(ofModel: m.method.model)
                return Point(label: m.method.label, model: m.method.model, maxSteps: steps,
                             fraction: Double(steps) / Double(spec.training.maxSteps),
                             validation: m.summary { $0.reported.dev[validation].map { 100 * $0 } },
                             oodAverage: m.summary { results.oodAverage($0.reported).map { 100 * $0 } },
                             compute: m.summary { $0.countedCompute })
            }.sorted { $0.maxSteps < $1.maxSteps }
            guard Set(points.map(\.maxSteps)).count >= 2, let largest = points.last else { return nil }
            return Curve(name: largest.label, points: points)
        }
        validationName = validation
        stem = spec.name
    }

    public var isEmpty: Bool { curves.isEmpty }

    /// figure1_<stem>: one row per (curve, budget), metrics in percent, mean and sample sd over seeds.
    public func table() -> PaperTable {
        let header = ["curve", "method", "main_model", "max_steps", "budget_fraction", "seeds",
                      "\(validationName)_val", "\(validationName)_val_std", "ood_avg", "ood_avg_std", "compute", "compute_std"]
        let rows = curves.flatMap { curve in
            curve.points.map { p in
                [curve.name, p.label, p.model, "\(p.maxSteps)", Self.format(p.fraction, digits: 4), "\(p.oodAverage.count)",
                 Self.format(p.validation.mean), Self.format(p.validation.standardDeviation),
                 Self.format(p.oodAverage.mean), Self.format(p.oodAverage.standardDeviation),
                 Self.format(p.compute.mean), Self.format(p.compute.standardDeviation)]
            }
        }
        return PaperTable(name: "figure1_\(stem)", header: header, rows: rows)
    }

    /// The OOD-test average (solid) and the validation metric (dashed) of each curve against the budget fraction.
    public func svg(title: String) -> String {
        var series: [LineChart.Series] = []
        for curve in curves {
            series.append(.init(name: "\(curve.name): OOD avg", points: curve.points.map { ($0.fraction, $0.oodAverage.mean) }))
            series.append(.init(name: "\(curve.name): \(validationName)",
                                points: curve.points.map { ($0.fraction, $0.validation.mean) }, dashed: true))
        }
        return LineChart.svg(series, title: title, xLabel: "share of the step budget", yLabel: "metric (%)", xRange: 0...1)
    }

    static func format(_ x: Double, digits: Int = 2) -> String {
        x.isFinite ? String(format: "%.\(digits)f", x) : ""
    }
}
