//! product docs: Response / CORS Preflight — answering OPTIONS with CORS headers, then a CORS-enabled response
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn handle(req: Request) -> Response {
    if req.is_method("OPTIONS") {
        return Response::no_content()
            .with_cors("*")
            .with_header("Access-Control-Max-Age", "86400");
    }

    // Handle actual request...
    Response::ok(data).with_cors("*")
}

// --- stubs for names the product docs sample assumes ---
#[derive(Serialize)]
struct Data {
    message: &'static str,
}

#[allow(non_upper_case_globals)]
const data: Data = Data { message: "value" };
