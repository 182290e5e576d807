"""Opening a sheet safely: .xlsx, .xls (python-calamine), .csv (UTF-8 or GB18030).

Cells come back as Python values; merged ranges are filled with their top-left value so a
merged 所在地 applies to every row it spans. Zip containers are checked before calamine
sees them (it has no decompression limit)."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import python_calamine

from zhaoshang.projects.export import companion_path, json_tables, unescaped_text


@dataclass(frozen=True)
class Limits:
    """What a sheet may weigh (settings IMPORT_MAX_BYTES, IMPORT_MAX_UNPACKED, IMPORT_MAX_RATIO)."""

    max_bytes: int = 100 * 1024 * 1024
    max_unpacked: int = 1024 * 1024 * 1024
    max_ratio: int = 200


class SheetError(ValueError):
    """The file cannot be read as a sheet; the message says why, in Chinese."""


def _check_zip(path: Path, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        raise SheetError("文件已损坏,或不是 .xlsx 工作簿(也可能已加密)") from None
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if unpacked > limits.max_unpacked or unpacked / packed > limits.max_ratio:
        raise SheetError("工作簿解压后过大(疑似压缩炸弹),已拒绝")


def read_rows(
    path: Path, *, sheet: str | None = None, limits: Limits | None = None
) -> tuple[str, list[list[object]]]:
    """(sheet name, rows) of the first sheet or the one named."""
    limits = limits or Limits()
    if not path.exists():
        raise SheetError(f"找不到文件 {path}")
    if path.stat().st_size > limits.max_bytes:
        size = limits.max_bytes
        shown = f"{size // 1048576}MB" if size >= 1048576 else f"{size // 1024}KB"
        raise SheetError(f"文件超过{shown},已拒绝")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return path.stem, _read_csv(path)
    if suffix == ".json":
        return path.stem, _read_json(path, "")
    if suffix not in (".xlsx", ".xls", ".xlsm"):
        raise SheetError(
            f"不支持的文件类型“{suffix or '无扩展名'}”:请用 .xlsx、.xls、.csv 或导出的 .json"
        )
    if suffix in (".xlsx", ".xlsm"):
        _check_zip(path, limits)
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        found = book.get_sheet_by_name(sheet) if sheet else book.get_sheet_by_index(0)
        rows = found.to_python(skip_empty_area=False)
        merged = found.merged_cell_ranges or []
    except Exception as exc:  # calamine raises its own errors for corrupt/encrypted books
        if sheet and "not found" in str(exc).lower():
            raise SheetError(f"工作簿中没有名为“{sheet}”的工作表") from None
        raise SheetError(f"无法读取工作簿(文件损坏、加密或格式不符):{exc}") from None
    grid = cast(list[list[object]], rows)  # calamine's own lists, filled in place (no copy)
    for (r0, c0), (r1, c1) in merged:
        value = grid[r0][c0] if r0 < len(grid) and c0 < len(grid[r0]) else ""
        for r in range(r0, min(r1 + 1, len(grid))):
            for c in range(c0, min(c1 + 1, len(grid[r]))):
                grid[r][c] = value
    return found.name, grid


def _read_csv(path: Path) -> list[list[object]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError("CSV 文件编码无法识别:请存为 UTF-8 或 GB18030")
    # A text our CSV export guarded against formula injection reads as it was written.
    return [[unescaped_text(c) for c in row] for row in csv.reader(io.StringIO(text))]


def _read_json(path: Path, table: str) -> list[list[object]]:
    try:
        return json_tables(path.read_text(encoding="utf-8"))[table]
    except (UnicodeDecodeError, ValueError) as exc:
        raise SheetError(f"无法读取 JSON 文件:{exc}") from None


def read_companion(path: Path, name: str, *, limits: Limits | None = None) -> list[list[object]]:
    """The rows of an export's second or third table (`阶段记录`, `到资记录`): a sheet of the
    workbook, a CSV file beside it, or a part of the JSON; [] when there is none."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _read_json(path, name)
    if suffix == ".csv":
        beside = companion_path(path, name)
        return read_rows(beside, limits=limits)[1] if beside.exists() else []
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        if name not in book.sheet_names:
            return []
        return cast(list[list[object]], book.get_sheet_by_name(name).to_python())
    except Exception as exc:  # calamine's own errors
        raise SheetError(f"无法读取工作表“{name}”:{exc}") from None
