//! Parsing and expansion of `#[handler]`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{FnArg, ItemFn, ReturnType, Type};

use crate::returns::{capture_prints, wrap_returns};

/// Whether the return type is spelled `Response` (any path ending in `Response`).
fn returns_plain_response(output: &ReturnType) -> bool {
    match output {
        ReturnType::Type(_, ty) => match &**ty {
            Type::Path(p) => p
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "Response" && s.arguments.is_empty()),
            _ => false,
        },
        ReturnType::Default => false,
    }
}

pub fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !attr.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            "#[handler] takes no arguments",
        ));
    }
    let mut func: ItemFn = syn::parse2(item)?;
    capture_prints(&mut func.block);
    let sig = &func.sig;
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        return Err(syn::Error::new_spanned(
            &sig.generics,
            "a handler cannot be generic",
        ));
    }
    if let Some(FnArg::Receiver(r)) = sig.inputs.first() {
        return Err(syn::Error::new_spanned(
            r,
            "a handler is a free function, not a method",
        ));
    }
    let with_ctx = match sig.inputs.len() {
        2 => true,
        1 => false,
        _ => {
            return Err(syn::Error::new_spanned(
                &sig.inputs,
                "a handler takes (ctx: &Context, req: Request) or (req: Request)",
            ))
        }
    };
    let is_async = sig.asyncness.is_some();
    let name = &sig.ident;
    let sdk = quote!(::rust_edge_gateway_sdk);

    let user_fn = if returns_plain_response(&sig.output) {
        question_mark_wrapper(&func)?
    } else {
        quote!(#func)
    };

    let call = if with_ctx {
        quote!(#name(&__ctx, __req))
    } else {
        quote!(#name(__req))
    };
    let entry = if is_async {
        quote! {
            #[doc(hidden)]
            fn __reg_async_entry(ctx: #sdk::Context, __req: #sdk::Request) -> #sdk::abi::HandlerFuture {
                #sdk::__rt::run_async(ctx, move |__ctx| async move { #call.await })
            }
            #sdk::__export_library!(#sdk::abi::HandlerEntry::Async(__reg_async_entry));
        }
    } else {
        quote! {
            #[doc(hidden)]
            fn __reg_blocking_entry(ctx: #sdk::Context, __req: #sdk::Request) -> #sdk::Response {
                #sdk::__rt::run_blocking(ctx, move |__ctx| #call)
            }
            #sdk::__export_library!(#sdk::abi::HandlerEntry::Blocking(__reg_blocking_entry));
        }
    };
    Ok(quote! { #user_fn #entry })
}

/// For a function returning `Response`: moves the body into an inner function returning
/// `Result<Response, HandlerError>` (so `?` works) and keeps the original signature as a
/// wrapper that turns an error into its response.
fn question_mark_wrapper(func: &ItemFn) -> syn::Result<TokenStream> {
    let sdk = quote!(::rust_edge_gateway_sdk);
    let mut inner = func.clone();
    let inner_name = format_ident!("__reg_inner_{}", func.sig.ident);
    inner.sig.ident = inner_name.clone();
    inner.vis = syn::Visibility::Inherited;
    inner.attrs.retain(|a| !a.path().is_ident("doc"));
    inner.sig.output =
        syn::parse_quote!(-> ::core::result::Result<#sdk::Response, #sdk::HandlerError>);
    let mut body = (*func.block).clone();
    wrap_returns(&mut body);
    *inner.block = syn::parse_quote!({ ::core::result::Result::Ok(#body) });

    let mut outer = func.clone();
    let mut args = Vec::new();
    for (i, input) in outer.sig.inputs.iter_mut().enumerate() {
        if let FnArg::Typed(pt) = input {
            let ident = format_ident!("__reg_arg{}", i);
            *pt.pat = syn::parse_quote!(#ident);
            args.push(ident);
        }
    }
    let awaited = if func.sig.asyncness.is_some() {
        quote!(.await)
    } else {
        quote!()
    };
    *outer.block = syn::parse_quote!({
        match #inner_name(#(#args),*) #awaited {
            ::core::result::Result::Ok(r) => r,
            ::core::result::Result::Err(e) => #sdk::HandlerError::to_response(&e),
        }
    });
    Ok(quote! {
        #[allow(unreachable_code, clippy::needless_return, clippy::unnecessary_wraps)]
        #inner
        #outer
    })
}
