import ArgumentParser
import FTFTData

/// How a command names a data file's format: one of the readers, or a generic file with a column mapping.
struct DataFileOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The data file's format: mnli-jsonl, glue-mnli, mnli-bert100, anli, hans, cad, dynahate-r<2|3|4>-<original|perturbation>, or jsonl/csv/tsv for any file with --text-field and --label-field (default: from the file name's extension).",
        valueName: "format"))
    var format: String?

    @Option(name: .customLong("text-field"), help: "Generic files: the field holding the text (or the premise).")
    var textField: String?

    @Option(name: .customLong("pair-field"), help: "Generic files: the field holding the second text of a pair.")
    var pairField: String?

    @Option(name: .customLong("label-field"), help: "Generic files: the field holding the label.")
    var labelField: String?

    @Option(name: .customLong("id-field"), help: "Generic files: the field holding the example id (default: the row number).")
    var idField: String?

    @Option(name: .customLong("label-names"), help: "Generic files: the label names, comma-separated, in class order (default: the model's).")
    var labelNames: String?

    /// The reader for `path`; `modelLabels` name the classes of a generic file when --label-names is absent.
    func format(path: String, modelLabels: [String]) throws -> DatasetFormat {
        let name = format ?? DataFileFormat(path: path)?.rawValue ?? ""
        switch name {
        case "mnli-jsonl": return .multiNLIJSONL
        case "glue-mnli": return .glueMultiNLI
        case "mnli-bert100": return .multiNLIBert100
        case "anli": return .anli
        case "hans": return .hans
        case "cad": return .cad
        case "jsonl", "csv", "tsv":
            guard let textField, let labelField else {
                throw ValidationError("a \(name) file needs --text-field and --label-field (and --pair-field for pairs)")
            }
            let labels = labelNames.map { $0.split(separator: ",").map(String.init) } ?? modelLabels
            let mapping = ColumnMapping(textField: textField, pairField: pairField, labelField: labelField, idField: idField,
                                        labels: .names(labels))
            return .generic(DataFileFormat(rawValue: name) ?? .jsonl, mapping)
        default:
            let parts = name.split(separator: "-")
            if parts.count == 3, parts[0] == "dynahate", let round = Int(parts[1].dropFirst()), parts[1].hasPrefix("r"),
               (2...4).contains(round), let level = DynaHateLevel(rawValue: String(parts[2])) {
                return .dynaHate(round: round, level: level)
            }
            throw ValidationError(name.isEmpty ? "cannot tell the format of \(path) from its name; give --format"
                                                : "unknown --format \(name)")
        }
    }
}
