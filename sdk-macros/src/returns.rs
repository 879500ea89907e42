//! Rewrites of a handler's body: `return expr` into `return Ok(expr)` (without entering
//! closures, async blocks or nested items, whose `return`s are their own), and `eprintln!`
//! / `println!` into the SDK's capturing versions, so what a handler prints reaches its
//! endpoint's log.

use syn::visit_mut::{self, VisitMut};
use syn::{parse_quote, Expr, ExprReturn, Item};

struct WrapReturns;

impl VisitMut for WrapReturns {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        match e {
            Expr::Closure(_) | Expr::Async(_) => {}
            Expr::Return(ExprReturn {
                expr: Some(inner), ..
            }) => {
                self.visit_expr_mut(inner);
                let value = std::mem::replace(&mut **inner, parse_quote!(()));
                **inner = parse_quote!(::core::result::Result::Ok(#value));
            }
            _ => visit_mut::visit_expr_mut(self, e),
        }
    }

    fn visit_item_mut(&mut self, _: &mut Item) {}
}

struct CapturePrints;

impl VisitMut for CapturePrints {
    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        let target = if m.path.is_ident("eprintln") {
            Some(quote::quote!(::rust_edge_gateway_sdk::__captured_eprintln))
        } else if m.path.is_ident("println") {
            Some(quote::quote!(::rust_edge_gateway_sdk::__captured_println))
        } else {
            None
        };
        if let Some(t) = target {
            if let Ok(path) = syn::parse2(t) {
                m.path = path;
            }
        }
    }
}

/// Routes `eprintln!`/`println!` in `block` (closures and async blocks included) to the
/// endpoint log.
pub fn capture_prints(block: &mut syn::Block) {
    CapturePrints.visit_block_mut(block);
}

/// Wraps every `return` of `block` (at the function's own level) in `Ok(...)`.
pub fn wrap_returns(block: &mut syn::Block) {
    WrapReturns.visit_block_mut(block);
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn rewrite(src: &str) -> String {
        let mut block: syn::Block = syn::parse_str(src).expect("block");
        wrap_returns(&mut block);
        block.into_token_stream().to_string()
    }

    #[test]
    fn wraps_own_returns_only() {
        let out = rewrite("{ if a { return x; } let f = || { return y; }; let g = async { return z; }; fn h() -> u8 { return 1; } w }");
        assert!(
            out.contains("return :: core :: result :: Result :: Ok (x)"),
            "{out}"
        );
        assert!(out.contains("return y"), "{out}");
        assert!(out.contains("return z"), "{out}");
        assert!(out.contains("return 1"), "{out}");
    }

    #[test]
    fn nested_returns_in_loops_and_matches() {
        let out = rewrite("{ loop { match v { 1 => return a, _ => break } } b }");
        assert!(
            out.contains("return :: core :: result :: Result :: Ok (a)"),
            "{out}"
        );
    }
}
