import Foundation
import FTFTStore

extension ExperimentReport {
    /// The HTML report's part on the paper's claims, the same tables and figures `ftft tables` writes to
    /// paper-tables/ftft: every row against ERM paired by seed, Figure 1 (metrics against the step budget), and the
    /// §4 transfer diagnostics of the reference runs (Table 4, Figure 1a with its summary, Figure 2). Sections with
    /// nothing to show are left out.
    func diagnosticsSection(store: RunStore) throws -> String {
        var page = ""
        func table(_ t: PaperTable, numericFrom: Int) -> String {
            TextTable(header: t.header, rows: t.rows, firstNumericColumn: numericFrom).html
        }
        let paired = PairedComparisons(results: results)
        if !paired.rows.isEmpty {
            page += "<h2>Each row against ERM, paired by seed</h2>\n<p>Differences in points (row − ERM of "
                + "\(results.spec.computeUnit) at the same step budget), 95 % t-intervals over the seeds both have; the "
                + "verdict is on “the row's OOD avg is above ERM's” (inconclusive when the interval holds 0 or there are "
                + "fewer than two seeds).</p>\n" + table(paired.table(), numericFrom: 2)
        }
        let budgets = BudgetCurves(results: results)
        if !budgets.isEmpty {
            page += "<h2>Figure 1: metrics against the step budget</h2>\n"
                + "<figure>" + budgets.svg(title: "Metrics against the step budget (\(results.spec.name))") + "</figure>\n"
                + table(budgets.table(), numericFrom: 3)
        }
        let transfer = try TransferDiagnosticsReport.load(results: results, store: store)
        if ClaimsReport.applies(to: results) {
            let claims = ClaimsReport(results: results, transfer: transfer.isEmpty ? nil : transfer)
            page += "<h2>The paper's claims</h2>\n<p>Verdicts from the 95 % t-intervals of the paired differences "
                + "(supported: above 0; not supported: below 0; inconclusive: holds 0 or fewer than two seeds).</p>\n"
            for claim in claims.claims {
                page += "<h3>\(htmlEscaped(claim.title)): \(claim.verdict)</h3>\n<ul>"
                    + claim.evidence.map { "<li>\(htmlEscaped($0))</li>" }.joined() + "</ul>\n"
            }
        }
        if !transfer.isEmpty {
            let overlap = transfer.overlap(), curves = try transfer.medianCurves()
            page += "<h2>Transfer diagnostics (the paper's §4)</h2>\n<p>Table 4: share of easy examples (%) among the "
                + "most ambiguous p % of each reference's data map.</p>\n" + table(try transfer.easyShareTable(), numericFrom: 2)
                + "<p>Figure 1a: overlap (%) of the ambiguous 33 % of two data maps.</p>\n<figure>" + overlap.svg + "</figure>\n"
                + table(transfer.overlapSummary(mainModel: results.spec.computeUnit), numericFrom: 1)
                + "<p>Figure 2: median gold-class probability per epoch, hard-to-learn 25 % vs the rest.</p>\n<figure>"
                + curves.svg + "</figure>\n"
        }
        return page
    }
}
