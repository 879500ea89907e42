// HTTP methods an endpoint can have (the API's list, admin/src/api/endpoints.rs).
export const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
