// Module FTFTData: see Package.swift for its role. Populated by its issue.
