/// Every file format ftft reads, for task definitions and the command line: one case per reader.
public enum DatasetFormat: Sendable, Hashable {
    case multiNLIJSONL
    case glueMultiNLI
    case multiNLIBert100
    case anli
    case hans
    case cad
    /// One DynaHate round (2…4) and level, e.g. `dynahate_r2_original`.
    case dynaHate(round: Int, level: DynaHateLevel)
    case generic(DataFileFormat, ColumnMapping)
}

extension LabeledDataset {
    /// Reads `path` with the reader for `format`, naming the set `name`.
    public static func read(path: String, format: DatasetFormat, name: String) throws -> LabeledDataset {
        switch format {
        case .multiNLIJSONL: return try readMultiNLIJSONL(path: path, name: name)
        case .glueMultiNLI: return try readGLUEMultiNLI(path: path, name: name)
        case .multiNLIBert100: return try readMultiNLIBert100(path: path, name: name)
        case .anli: return try readANLI(path: path, name: name)
        case .hans: return try readHANS(path: path, name: name)
        case .cad: return try readCAD(path: path, name: name)
        case .dynaHate(let round, let level): return try readDynaHate(path: path, round: round, level: level, name: name)
        case .generic(let fileFormat, let mapping): return try readGeneric(path: path, format: fileFormat, mapping: mapping, name: name)
        }
    }
}
