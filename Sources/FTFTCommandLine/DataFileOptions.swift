import Foundation
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

    @Option(name: .customLong("label-field"), help: "Generic files: the field holding the label (predict: omit it for data without labels).")
    var labelField: String?

    @Option(name: .customLong("id-field"), help: "Generic files: the field holding the example id (default: the row number).")
    var idField: String?

    @Option(name: .customLong("label-names"), help: "Generic files: the class names, comma-separated, in class order (predict: default the model's; train: default the training file's distinct labels, sorted, integers numerically).")
    var labelNames: String?

    /// --label-names as a list.
    var labelNameList: [String]? { labelNames.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } }

    /// The generic format named by --format or by the file's extension (nil for the paper's named formats).
    func genericFormat(path: String) -> DataFileFormat? {
        DataFileFormat(rawValue: format ?? DataFileFormat(path: path)?.rawValue ?? "")
    }

    /// The reader for `path`; `modelLabels` name the classes of a generic file when --label-names is absent. A
    /// generic file without --label-field is read without labels (every example's label −1: data to predict on).
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
            guard let textField else {
                throw ValidationError("a \(name) file needs --text-field (and --label-field for labelled data, --pair-field for pairs)")
            }
            let labels = labelNameList ?? modelLabels
            let mapping = ColumnMapping(textField: textField, pairField: pairField, labelField: labelField ?? "",
                                        idField: idField, labels: labelField == nil ? .unlabelled(names: labels) : .names(labels))
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
