//! product docs: Response / binary(status, data, content_type) — image, PDF download and inline image (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample() -> Vec<Response> {
    vec![
        // Serve an image
        Response::binary(200, image_bytes, "image/png"),

        // Serve a PDF with download prompt
        Response::binary(200, pdf_bytes, "application/pdf")
            .with_header("Content-Disposition", "attachment; filename=\"report.pdf\""),

        // Inline image
        Response::binary(200, jpeg_bytes, "image/jpeg")
            .with_header("Content-Disposition", "inline; filename=\"photo.jpg\""),
    ]
}

// --- stubs for names the product docs sample assumes ---
#[allow(non_upper_case_globals)]
const image_bytes: &[u8] = b"\x89PNG\r\n\x1a\n";
#[allow(non_upper_case_globals)]
const pdf_bytes: &[u8] = b"%PDF-1.4\n";
#[allow(non_upper_case_globals)]
const jpeg_bytes: &[u8] = b"\xff\xd8\xff\xe0";
