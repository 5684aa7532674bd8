// Module FTFTCartography: see Package.swift for its role. Populated by its issue.
