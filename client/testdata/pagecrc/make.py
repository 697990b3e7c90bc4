# Writes the page-CRC fixtures with pyarrow (a real writer's pages, checksums and all):
#   python3 make.py   (pyarrow 26.0.1 wrote the committed files)
# Both files hold the same 3,000 rows (id int64 0..2999, name "row-<id>") in 3 row groups,
# uncompressed PLAIN pages of about 4 KiB, so one flipped byte in an id page changes one value
# silently unless the page carries a CRC; only crc.parquet's pages do.
import pyarrow as pa
import pyarrow.parquet as pq

table = pa.table({"id": pa.array(range(3000), pa.int64()), "name": [f"row-{i}" for i in range(3000)]})
for name, crc in (("crc.parquet", True), ("nocrc.parquet", False)):
    pq.write_table(table, name, row_group_size=1000, compression="none", use_dictionary=False,
                   data_page_size=4096, write_batch_size=128, write_page_checksum=crc, write_statistics=False)
