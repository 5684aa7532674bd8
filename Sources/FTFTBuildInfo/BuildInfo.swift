/// Facts about this build, fixed when it was compiled.
public enum BuildInfo {
    /// The git commit the package was built from (40 hex digits), with "+dirty" when tracked files had
    /// uncommitted changes, or "unknown" when the build had no git repository or no git (BuildInfoPlugin).
    public static let gitCommit: String = generatedBuildCommit
}
