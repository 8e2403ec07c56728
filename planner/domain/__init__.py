"""The nutrition domain: the profile, targets, the plan request and the typed plan (its JSON
contract), the Dietary Guidelines pattern, HEI-2020, the Thrifty Food Plan. No I/O but the
bundled data files; nothing here imports the optimiser, the store or a front end."""
