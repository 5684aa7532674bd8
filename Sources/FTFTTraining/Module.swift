// Module FTFTTraining: see Package.swift for its role. Populated by its issue.
