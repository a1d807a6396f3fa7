"""数据集中: the bureau's dashboard, the public statistics and their open-data exports."""
