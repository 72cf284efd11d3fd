"""mllens-tui: assess an ML workload against the AWS Well-Architected Machine Learning Lens."""

__version__ = "0.1.0"
