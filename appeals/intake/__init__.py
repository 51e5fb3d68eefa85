"""The intake wizard: opening a case, its steps, and the deadlines shown on each."""
