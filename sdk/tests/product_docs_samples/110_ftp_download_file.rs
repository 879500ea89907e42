//! product docs: FTP/SFTP Service / Download a File — FtpPool::get bytes served as application/octet-stream
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn handle(req: Request) -> Response {
    let ftp = FtpPool { pool_id: "files".to_string() };

    let filename = req.path_param("filename").unwrap();
    let path = format!("/data/{}", filename);

    match ftp.get(&path) {
        Ok(content) => Response::new(200)
            .with_header("Content-Type", "application/octet-stream")
            .with_body(content),
        Err(e) => Response::not_found(),
    }
}
