-- wrk script for the realistic GET of loadtest/peers.sh: the URL carries the path and a
-- query string (`/p/42?...`); these headers, a browser's usual ones with a session
-- cookie, bring the request head to about 800 bytes (wrk adds Host).
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
wrk.headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
wrk.headers["Accept-Language"] = "en-GB,en;q=0.9,de;q=0.8,fr;q=0.7"
wrk.headers["Accept-Encoding"] = "gzip, deflate, br, zstd"
wrk.headers["Referer"] = "https://shop.example.com/catalogue/books?page=2&sort=price"
wrk.headers["Cookie"] = "session=8f14e45fceea167a5a36dedd4bea2543a1b2c3d4e5f60718; theme=dark; consent=analytics%3Dfalse%26ads%3Dfalse; cart=3f2a9c"
wrk.headers["Sec-Fetch-Dest"] = "document"
wrk.headers["Sec-Fetch-Mode"] = "navigate"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
wrk.headers["Upgrade-Insecure-Requests"] = "1"
wrk.headers["X-Request-Id"] = "load-test-4a7d1ed414474e4033ac29ccb8653d9b"
