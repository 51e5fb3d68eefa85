"""Helpers the tests share: fixtures' plumbing, fakes, answers and probes."""
