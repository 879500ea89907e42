//! Parsing and expansion of `#[handler]`.
//!
//! Misuse is reported at the user's own tokens, saying what is expected:
//! - what the signature alone shows to be wrong (a method, generics, `unsafe`, a wrong
//!   argument count, arguments the other way round, `impl Trait`, no return type) is
//!   refused here, with `syn::Error::new_spanned` on the offending tokens;
//! - wrong *types*, which only the compiler can judge (type aliases included), are caught
//!   by small traits the expansion defines with `#[diagnostic::on_unimplemented]`. The
//!   user's arguments and result go through those traits' functions, called by paths
//!   spanned at the user's types, so rustc's one error names the expected type and
//!   underlines the user's argument or return type rather than the attribute.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::{FnArg, ItemFn, ReturnType, Type};

use crate::returns::{capture_prints, wrap_returns};

/// The accepted shapes, ending every message of this module.
const EXPECTED: &str = "expected `async fn handle(ctx: &Context, req: Request) -> Response` \
    (or `(req: Request)` alone, `-> Result<Response, HandlerError>`, a plain `fn`)";

/// An error at `tokens`: `what` went wrong, then what is expected.
fn error(tokens: impl ToTokens, what: &str) -> syn::Error {
    syn::Error::new_spanned(tokens, format!("{what}; {EXPECTED}"))
}

/// The spans of the first and the last token of `t` (call site when `t` is empty).
fn first_last_spans(t: &impl ToTokens) -> (Span, Span) {
    let mut tokens = t.to_token_stream().into_iter();
    let first = tokens.next().map_or_else(Span::call_site, |t| t.span());
    let last = tokens.last().map_or(first, |t| t.span());
    (first, last)
}

/// `<Ty as Trait>::function(args)`, with `Ty` the user's own tokens, `<` on the first of
/// them and `function` on the last: rustc reports an unsatisfied `Ty: Trait` across exactly
/// the user's type (on stable Rust, where spans cannot be joined), and since `function`
/// returns what the caller expects, nothing else fails after it.
fn checked_call(ty: &Type, tr: TokenStream, function: &str, args: TokenStream) -> TokenStream {
    let (first, last) = first_last_spans(ty);
    let lt = quote_spanned!(first=> <);
    let function = syn::Ident::new(function, last);
    let mut group = Group::new(Delimiter::Parenthesis, args);
    group.set_span(last);
    let mut out = quote!(#lt #ty as #tr > :: #function);
    out.extend([TokenTree::Group(group)]);
    out
}

/// `<__RegHandler<> as Trait<Ty>>::function(args)` for an argument type `Ty` (the user's
/// tokens), with `__RegHandler<>` across the user's type: its name on the first token and
/// `>` on the last. Unlike [`checked_call`], the user's type is not the `Self` of the bound,
/// which keeps rustc from suggesting to add a borrow to it (`&&Request`, `&mut &mut
/// Context`), as it does for a `Self` type that comes from a macro's input.
fn checked_arg(ty: &Type, tr: TokenStream, function: &str, args: TokenStream) -> TokenStream {
    let (first, last) = first_last_spans(ty);
    let check = syn::Ident::new("__RegHandler", first);
    let close = quote_spanned!(last=> >);
    let function = syn::Ident::new(function, last);
    let mut group = Group::new(Delimiter::Parenthesis, args);
    group.set_span(last);
    let mut out = quote!(<#check < #close as #tr #ty > > :: #function);
    out.extend([TokenTree::Group(group)]);
    out
}

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

/// Looks through references, parentheses and invisible groups.
fn peel(ty: &Type) -> &Type {
    match ty {
        Type::Reference(r) => peel(&r.elem),
        Type::Paren(p) => peel(&p.elem),
        Type::Group(g) => peel(&g.elem),
        _ => ty,
    }
}

/// The name of the last path segment of `ty`, through references.
fn last_ident(ty: &Type) -> Option<String> {
    match peel(ty) {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The `impl Trait` in `ty`, through references.
fn impl_trait(ty: &Type) -> Option<&syn::TypeImplTrait> {
    match peel(ty) {
        Type::ImplTrait(it) => Some(it),
        _ => None,
    }
}

/// The types of a handler's signature: the context's (if it takes one), the request's and
/// the result's.
struct Types<'a> {
    ctx: Option<&'a Type>,
    req: &'a Type,
    output: &'a Type,
}

/// Refuses what the signature alone shows to be wrong.
fn check_signature(sig: &syn::Signature) -> syn::Result<Types<'_>> {
    if let Some(FnArg::Receiver(r)) = sig.inputs.first() {
        return Err(error(
            r,
            "a `#[handler]` is a free function, not a method: remove this `self` argument",
        ));
    }
    if !sig.generics.params.is_empty() {
        return Err(error(
            &sig.generics,
            "a `#[handler]` function cannot have generic or lifetime parameters",
        ));
    }
    if let Some(w) = &sig.generics.where_clause {
        return Err(error(
            w,
            "a `#[handler]` function cannot have a `where` clause",
        ));
    }
    if let Some(u) = &sig.unsafety {
        return Err(error(u, "a `#[handler]` function cannot be `unsafe`"));
    }
    if let Some(v) = &sig.variadic {
        return Err(error(v, "a `#[handler]` function cannot be variadic"));
    }
    let types: Vec<&Type> = sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(pt) => Some(&*pt.ty),
            FnArg::Receiver(_) => None,
        })
        .collect();
    if let Some(it) = types.iter().find_map(|t| impl_trait(t)) {
        return Err(error(
            it,
            "a `#[handler]` argument cannot be `impl Trait`: write `ctx: &Context` or `req: Request`",
        ));
    }
    let (ctx, req) = match types.as_slice() {
        [req] => (None, *req),
        [ctx, req] => {
            if last_ident(ctx).as_deref() == Some("Request")
                && last_ident(req).as_deref() == Some("Context")
            {
                return Err(error(
                    &sig.inputs,
                    "the arguments of a `#[handler]` function are the other way round: \
                     the context comes first",
                ));
            }
            (Some(*ctx), *req)
        }
        [] => {
            return Err(syn::Error::new(
                sig.paren_token.span.join(),
                format!("a `#[handler]` function takes the request as an argument; {EXPECTED}"),
            ))
        }
        [..] => {
            let extra = sig.inputs.iter().skip(2);
            return Err(error(
                quote!(#(#extra),*),
                &format!(
                    "a `#[handler]` function takes at most two arguments, found {}",
                    types.len()
                ),
            ));
        }
    };
    match &sig.output {
        ReturnType::Default => Err(error(
            sig,
            "a `#[handler]` function must return its response: add `-> Response` \
             or `-> Result<Response, HandlerError>`",
        )),
        ReturnType::Type(_, ty) => match impl_trait(ty) {
            Some(it) if sig.asyncness.is_none() && is_future(it) => Err(error(
                it,
                "a `#[handler]` function cannot return `impl Future`: make it an `async fn` \
                 returning `Response`",
            )),
            Some(it) => Err(error(
                it,
                "a `#[handler]` function cannot return `impl Trait`: return `Response` \
                 or `Result<Response, HandlerError>`",
            )),
            None => Ok(Types {
                ctx,
                req,
                output: ty,
            }),
        },
    }
}

fn is_future(it: &syn::TypeImplTrait) -> bool {
    it.bounds.iter().any(|b| match b {
        syn::TypeParamBound::Trait(t) => {
            t.path.segments.last().is_some_and(|s| s.ident == "Future")
        }
        _ => false,
    })
}

/// Replaces syn's "expected `fn`" for an item that is not a function.
fn not_a_function(item: TokenStream, parse_error: syn::Error) -> syn::Error {
    let Ok(parsed) = syn::parse2::<syn::Item>(item.clone()) else {
        return parse_error;
    };
    if matches!(parsed, syn::Item::Fn(_)) {
        return parse_error;
    }
    // From the item's first token to its name (the whole item when it has none).
    let mut head = TokenStream::new();
    let name = match &parsed {
        syn::Item::Struct(i) => Some(&i.ident),
        syn::Item::Enum(i) => Some(&i.ident),
        syn::Item::Union(i) => Some(&i.ident),
        syn::Item::Const(i) => Some(&i.ident),
        syn::Item::Static(i) => Some(&i.ident),
        syn::Item::Mod(i) => Some(&i.ident),
        syn::Item::Trait(i) => Some(&i.ident),
        syn::Item::Type(i) => Some(&i.ident),
        _ => None,
    };
    match name {
        Some(name) => {
            head.extend(item.into_iter().take(1));
            name.to_tokens(&mut head);
        }
        None => head = item,
    }
    error(head, "`#[handler]` goes on a function")
}

/// The expansion, or on misuse the error followed by the item unchanged (when it parses),
/// so that the error stands alone: no "unused" warnings about what the item uses.
pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand_handler(attr, item.clone()).unwrap_or_else(|e| {
        let mut out = e.into_compile_error();
        if syn::parse2::<syn::Item>(item.clone()).is_ok() {
            out.extend(item);
        }
        out
    })
}

fn expand_handler(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !attr.is_empty() {
        return Err(error(&attr, "`#[handler]` takes no arguments"));
    }
    let mut func: ItemFn = syn::parse2(item.clone()).map_err(|e| not_a_function(item, e))?;
    let Types { ctx, req, output } = check_signature(&func.sig)?;
    let call_args = {
        let req = checked_arg(req, quote!(__RegReqArg<), "__reg_req", quote!(__req));
        match ctx {
            Some(ctx) => {
                let ctx = checked_arg(ctx, quote!(__RegCtxArg<'_,), "__reg_ctx", quote!(&__ctx));
                quote!(#ctx, #req)
            }
            None => req,
        }
    };
    let checks = type_checks(ctx.is_some());
    let is_async = func.sig.asyncness.is_some();
    let name = func.sig.ident.clone();
    let call = if is_async {
        quote!(#name(#call_args).await)
    } else {
        quote!(#name(#call_args))
    };
    let response = checked_call(output, quote!(__RegOutput), "__reg_response", call);
    let sdk = quote!(::rust_edge_gateway_sdk);

    capture_prints(&mut func.block);
    let user_fn = if returns_plain_response(&func.sig.output) {
        question_mark_wrapper(&func)
    } else {
        quote!(#func)
    };

    let entry = if is_async {
        quote! {
            #[doc(hidden)]
            fn __reg_async_entry(ctx: #sdk::Context, __req: #sdk::Request) -> #sdk::abi::HandlerFuture {
                #checks
                #sdk::__rt::run_async(ctx, move |__ctx| async move { #response })
            }
            #sdk::__export_library!(#sdk::abi::HandlerEntry::Async(__reg_async_entry));
        }
    } else {
        quote! {
            #[doc(hidden)]
            fn __reg_blocking_entry(ctx: #sdk::Context, __req: #sdk::Request) -> #sdk::Response {
                #checks
                #sdk::__rt::run_blocking(ctx, move |__ctx| #response)
            }
            #sdk::__export_library!(#sdk::abi::HandlerEntry::Blocking(__reg_blocking_entry));
        }
    };
    Ok(quote! { #user_fn #entry })
}

/// The items the entry function checks the user's types with (see the module docs).
fn type_checks(with_ctx: bool) -> TokenStream {
    let sdk = quote!(::rust_edge_gateway_sdk);
    let ctx = with_ctx.then(|| {
        quote! {
            #[diagnostic::on_unimplemented(
                message = "the first argument of a two-argument `#[handler]` function must be `&Context`, found `{T}`",
                label = "expected `&Context`",
                note = "`#[handler]` takes `(ctx: &Context, req: Request)` or `(req: Request)`"
            )]
            trait __RegCtxArg<'a, T> {
                fn __reg_ctx(ctx: &'a #sdk::Context) -> T;
            }
            impl<'a> __RegCtxArg<'a, &'a #sdk::Context> for __RegHandler {
                fn __reg_ctx(ctx: &'a #sdk::Context) -> &'a #sdk::Context {
                    ctx
                }
            }
        }
    });
    quote! {
        struct __RegHandler;
        #ctx
        #[diagnostic::on_unimplemented(
            message = "the request argument of a `#[handler]` function must be `Request`, found `{T}`",
            label = "expected `Request`, by value",
            note = "`#[handler]` takes `(ctx: &Context, req: Request)` or `(req: Request)`"
        )]
        trait __RegReqArg<T> {
            fn __reg_req(req: #sdk::Request) -> T;
        }
        impl __RegReqArg<#sdk::Request> for __RegHandler {
            fn __reg_req(req: #sdk::Request) -> #sdk::Request {
                req
            }
        }
        #[diagnostic::on_unimplemented(
            message = "a `#[handler]` function must return `Response` or `Result<Response, HandlerError>`, found `{Self}`",
            label = "expected `Response` or `Result<Response, HandlerError>`",
            note = "the error of the `Result` may be any type that converts into `HandlerError`"
        )]
        trait __RegOutput {
            fn __reg_response(self) -> #sdk::Response;
        }
        impl __RegOutput for #sdk::Response {
            fn __reg_response(self) -> #sdk::Response {
                self
            }
        }
        impl<E: ::core::convert::Into<#sdk::HandlerError>> __RegOutput
            for ::core::result::Result<#sdk::Response, E>
        {
            fn __reg_response(self) -> #sdk::Response {
                #sdk::__rt::IntoHandlerResponse::into_handler_response(self)
            }
        }
    }
}

/// For a function returning `Response`: moves the body into an inner function returning
/// `Result<Response, HandlerError>` (so `?` works) and keeps the original signature as a
/// wrapper that turns an error into its response.
fn question_mark_wrapper(func: &ItemFn) -> TokenStream {
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
    quote! {
        #[allow(unreachable_code, clippy::needless_return, clippy::unnecessary_wraps)]
        #inner
        #outer
    }
}
