"""The edition workbook: one edition with its sources, figures, bands, sectors and projects in one file.

Staff download a template (an XLSX file with a sheet per kind of row and a Help sheet, or the same sheets as
CSV files in a zip), fill it in and upload it. Each sheet is imported by the resource that imports that kind
of row on its own, all of them in one transaction: the preview runs them and rolls everything back, the
confirmation runs them again and keeps everything or, on any error, nothing. The import never publishes.
"""
