"""nianbao: 政府信息公开工作年度报告 → DuckDB warehouse, with the form's arithmetic checked."""

__version__ = "0.1.0"
