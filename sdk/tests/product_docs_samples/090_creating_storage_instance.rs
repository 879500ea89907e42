//! product docs: Storage Abstraction / Creating a Storage Instance — Storage::database / object_storage / file_storage (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() {
    // Database storage (SQLite, PostgreSQL, MySQL)
    let db_storage = Storage::database("my-db-pool", "my_table");

    // Object storage (MinIO, S3)
    let obj_storage = Storage::object_storage("my-minio-pool", "data/items");

    // File storage (FTP, SFTP)
    let file_storage = Storage::file_storage("my-ftp-pool", "/data/items");
}
