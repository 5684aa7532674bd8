import FTFTData
import FuzzSupport

/// Tab-separated data files: the generic reader, HANS, CAD, GLUE MultiNLI and MultiNLI-bert100. Generic sets
/// that read are written back and read again.
@main enum FuzzTSV {
    static func main() {
        let scratch = Scratch("tsv")
        let named = ColumnMapping(textField: "text", pairField: "pair", labelField: "label", idField: "id",
                                  labels: .names(["a", "b", "c"]))
        let indexed = ColumnMapping(textField: "text", labelField: "label", labels: .indices(count: 3))
        Fuzzer.run { bytes in
            let path = scratch.write("input.tsv", bytes)
            for mapping in [named, indexed] {
                if let set = DatasetChecks.read(path, {
                    try LabeledDataset.readGeneric(path: path, format: .tsv, mapping: mapping, name: "fuzz")
                }) {
                    DatasetChecks.roundTrip(set, format: .tsv, mapping: mapping, scratch: scratch)
                }
            }
            DatasetChecks.read(path) { try LabeledDataset.readHANS(path: path) }
            DatasetChecks.read(path) { try LabeledDataset.readCAD(path: path) }
            DatasetChecks.read(path) { try LabeledDataset.readGLUEMultiNLI(path: path) }
            DatasetChecks.read(path) { try LabeledDataset.readMultiNLIBert100(path: path) }
        }
    }
}
