//! product docs: Response / Custom Content Types — XML and CSV bodies via Response::new + with_body (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Vec<Response> {
    vec![
        // XML
        Response::new(200)
            .with_header("Content-Type", "application/xml")
            .with_body("<root><item>Value</item></root>"),

        // CSV with download
        Response::new(200)
            .with_header("Content-Type", "text/csv")
            .with_header("Content-Disposition", "attachment; filename=\"data.csv\"")
            .with_body("id,name\n1,Alice\n2,Bob"),
    ]
}
