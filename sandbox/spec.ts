// The SP-API operations the sandbox serves, as the official models define
// them (tests/fixtures/amazon-models/*.json): method, path, the documented
// usage plan (rate and burst) and every query and path parameter with its
// type and limits. Requests are checked against this table, so an unknown
// parameter name is a 400 exactly as Amazon answers it. The table is copied
// from the models rather than read at run time so the sandbox runs without
// the spec folder; tests/sandbox/sandbox_models_test.ts proves the copy still
// matches the models.

/** One query or path parameter of an operation, as the model declares it. */
export interface ParamSpec {
  name: string;
  in: "query" | "path";
  required?: boolean;
  type: "string" | "integer" | "boolean" | "array" | "number";
  format?: string;
  maxItems?: number;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  enum?: readonly string[];
  /** Allowed values of each array item. */
  items?: readonly string[];
}

/** One SP-API operation: where it lives and how fast it may be called. */
export interface OperationSpec {
  /** The model file it comes from. */
  model: string;
  method: "GET" | "POST" | "DELETE";
  path: string;
  /** Requests per second, as written in the usage plan (the header value). */
  rate: string;
  burst: number;
  /** Whether the operation takes a JSON body. */
  body: boolean;
  params: readonly ParamSpec[];
}

/** The served operations, keyed by operationId. */
export const SP_OPERATIONS = {
  getMarketplaceParticipations: {
    model: "sellers.json",
    method: "GET",
    path: "/sellers/v1/marketplaceParticipations",
    rate: "0.016",
    burst: 15,
    body: false,
    params: [],
  },
  searchOrders: {
    model: "orders_2026-01-01.json",
    method: "GET",
    path: "/orders/2026-01-01/orders",
    rate: "0.0056",
    burst: 20,
    body: false,
    params: [
      {
        name: "createdAfter",
        in: "query",
        type: "string",
        format: "date-time",
      },
      {
        name: "createdBefore",
        in: "query",
        type: "string",
        format: "date-time",
      },
      {
        name: "lastUpdatedAfter",
        in: "query",
        type: "string",
        format: "date-time",
      },
      {
        name: "lastUpdatedBefore",
        in: "query",
        type: "string",
        format: "date-time",
      },
      {
        name: "fulfillmentStatuses",
        in: "query",
        type: "array",
        items: [
          "PENDING_AVAILABILITY",
          "PENDING",
          "UNSHIPPED",
          "PARTIALLY_SHIPPED",
          "SHIPPED",
          "CANCELLED",
          "UNFULFILLABLE",
        ],
      },
      {
        name: "marketplaceIds",
        in: "query",
        type: "array",
        maxItems: 50,
      },
      {
        name: "fulfilledBy",
        in: "query",
        type: "array",
        items: ["MERCHANT", "AMAZON"],
      },
      { name: "maxResultsPerPage", in: "query", type: "integer" },
      { name: "paginationToken", in: "query", type: "string" },
      {
        name: "includedData",
        in: "query",
        type: "array",
        items: [
          "BUYER",
          "RECIPIENT",
          "PROCEEDS",
          "EXPENSE",
          "PROMOTION",
          "CANCELLATION",
          "FULFILLMENT",
          "PACKAGES",
          "TAX",
          "PAYMENT",
          "FULFILLMENT_ORDERS",
        ],
      },
    ],
  },
  getOrder: {
    model: "orders_2026-01-01.json",
    method: "GET",
    path: "/orders/2026-01-01/orders/{orderId}",
    rate: "0.5",
    burst: 30,
    body: false,
    params: [{
      name: "orderId",
      in: "path",
      required: true,
      type: "string",
    }, {
      name: "includedData",
      in: "query",
      type: "array",
      items: [
        "BUYER",
        "RECIPIENT",
        "PROCEEDS",
        "EXPENSE",
        "PROMOTION",
        "CANCELLATION",
        "FULFILLMENT",
        "PACKAGES",
        "TAX",
        "PAYMENT",
        "FULFILLMENT_ORDERS",
      ],
    }],
  },
  getInventorySummaries: {
    model: "fbaInventory.json",
    method: "GET",
    path: "/fba/inventory/v1/summaries",
    rate: "2",
    burst: 2,
    body: false,
    params: [
      { name: "details", in: "query", type: "boolean" },
      {
        name: "granularityType",
        in: "query",
        required: true,
        type: "string",
        enum: ["Marketplace"],
      },
      {
        name: "granularityId",
        in: "query",
        required: true,
        type: "string",
      },
      {
        name: "startDateTime",
        in: "query",
        type: "string",
        format: "date-time",
      },
      { name: "sellerSkus", in: "query", type: "array", maxItems: 50 },
      { name: "sellerSku", in: "query", type: "string" },
      { name: "nextToken", in: "query", type: "string" },
      {
        name: "marketplaceIds",
        in: "query",
        required: true,
        type: "array",
        maxItems: 1,
      },
    ],
  },
  searchCatalogItems: {
    model: "catalogItems_2022-04-01.json",
    method: "GET",
    path: "/catalog/2022-04-01/items",
    rate: "2",
    burst: 2,
    body: false,
    params: [
      { name: "identifiers", in: "query", type: "array", maxItems: 20 },
      {
        name: "identifiersType",
        in: "query",
        type: "string",
        enum: ["ASIN", "EAN", "GTIN", "ISBN", "JAN", "MINSAN", "SKU", "UPC"],
      },
      {
        name: "marketplaceIds",
        in: "query",
        required: true,
        type: "array",
        maxItems: 1,
      },
      {
        name: "includedData",
        in: "query",
        type: "array",
        items: [
          "attributes",
          "classifications",
          "dimensions",
          "identifiers",
          "images",
          "productTypes",
          "relationships",
          "salesRanks",
          "summaries",
          "vendorDetails",
        ],
      },
      { name: "locale", in: "query", type: "string" },
      { name: "sellerId", in: "query", type: "string" },
      { name: "keywords", in: "query", type: "array", maxItems: 20 },
      { name: "brandNames", in: "query", type: "array" },
      { name: "classificationIds", in: "query", type: "array" },
      { name: "pageSize", in: "query", type: "integer", maximum: 20 },
      { name: "pageToken", in: "query", type: "string" },
      { name: "keywordsLocale", in: "query", type: "string" },
    ],
  },
  getCatalogItem: {
    model: "catalogItems_2022-04-01.json",
    method: "GET",
    path: "/catalog/2022-04-01/items/{asin}",
    rate: "2",
    burst: 2,
    body: false,
    params: [{
      name: "asin",
      in: "path",
      required: true,
      type: "string",
    }, {
      name: "marketplaceIds",
      in: "query",
      required: true,
      type: "array",
    }, {
      name: "includedData",
      in: "query",
      type: "array",
      items: [
        "attributes",
        "classifications",
        "dimensions",
        "identifiers",
        "images",
        "productTypes",
        "relationships",
        "salesRanks",
        "summaries",
        "vendorDetails",
      ],
    }, { name: "locale", in: "query", type: "string" }],
  },
  searchListingsItems: {
    model: "listingsItems_2021-08-01.json",
    method: "GET",
    path: "/listings/2021-08-01/items/{sellerId}",
    rate: "5",
    burst: 5,
    body: false,
    params: [
      { name: "sellerId", in: "path", required: true, type: "string" },
      {
        name: "marketplaceIds",
        in: "query",
        required: true,
        type: "array",
      },
      { name: "issueLocale", in: "query", type: "string" },
      {
        name: "includedData",
        in: "query",
        type: "array",
        items: [
          "summaries",
          "attributes",
          "issues",
          "offers",
          "fulfillmentAvailability",
          "procurement",
          "relationships",
          "productTypes",
        ],
      },
      { name: "identifiers", in: "query", type: "array", maxItems: 20 },
      {
        name: "identifiersType",
        in: "query",
        type: "string",
        enum: [
          "ASIN",
          "EAN",
          "FNSKU",
          "GTIN",
          "ISBN",
          "JAN",
          "MINSAN",
          "SKU",
          "UPC",
        ],
      },
      { name: "variationParentSku", in: "query", type: "string" },
      { name: "packageHierarchySku", in: "query", type: "string" },
      {
        name: "createdAfter",
        in: "query",
        type: "string",
        format: "date-time",
      },
      {
        name: "createdBefore",
        in: "query",
        type: "string",
        format: "date-time",
      },
      {
        name: "lastUpdatedAfter",
        in: "query",
        type: "string",
        format: "date-time",
      },
      {
        name: "lastUpdatedBefore",
        in: "query",
        type: "string",
        format: "date-time",
      },
      {
        name: "withIssueSeverity",
        in: "query",
        type: "array",
        items: ["WARNING", "ERROR"],
      },
      {
        name: "withStatus",
        in: "query",
        type: "array",
        items: ["BUYABLE", "DISCOVERABLE"],
      },
      {
        name: "withoutStatus",
        in: "query",
        type: "array",
        items: ["BUYABLE", "DISCOVERABLE"],
      },
      {
        name: "sortBy",
        in: "query",
        type: "string",
        enum: ["sku", "createdDate", "lastUpdatedDate"],
      },
      {
        name: "sortOrder",
        in: "query",
        type: "string",
        enum: ["ASC", "DESC"],
      },
      { name: "pageSize", in: "query", type: "integer", maximum: 20 },
      { name: "pageToken", in: "query", type: "string" },
    ],
  },
  getListingsItem: {
    model: "listingsItems_2021-08-01.json",
    method: "GET",
    path: "/listings/2021-08-01/items/{sellerId}/{sku}",
    rate: "5",
    burst: 10,
    body: false,
    params: [
      { name: "sellerId", in: "path", required: true, type: "string" },
      { name: "sku", in: "path", required: true, type: "string" },
      {
        name: "marketplaceIds",
        in: "query",
        required: true,
        type: "array",
      },
      { name: "issueLocale", in: "query", type: "string" },
      {
        name: "includedData",
        in: "query",
        type: "array",
        items: [
          "summaries",
          "attributes",
          "issues",
          "offers",
          "fulfillmentAvailability",
          "procurement",
          "relationships",
          "productTypes",
        ],
      },
    ],
  },
  listFinancialEventGroups: {
    model: "financesV0.json",
    method: "GET",
    path: "/finances/v0/financialEventGroups",
    rate: "0.5",
    burst: 30,
    body: false,
    params: [{
      name: "MaxResultsPerPage",
      in: "query",
      type: "integer",
      format: "int32",
      minimum: 1,
      maximum: 100,
    }, {
      name: "FinancialEventGroupStartedBefore",
      in: "query",
      type: "string",
      format: "date-time",
    }, {
      name: "FinancialEventGroupStartedAfter",
      in: "query",
      type: "string",
      format: "date-time",
    }, { name: "NextToken", in: "query", type: "string" }],
  },
  listFinancialEvents: {
    model: "financesV0.json",
    method: "GET",
    path: "/finances/v0/financialEvents",
    rate: "0.5",
    burst: 30,
    body: false,
    params: [{
      name: "MaxResultsPerPage",
      in: "query",
      type: "integer",
      format: "int32",
      minimum: 1,
      maximum: 100,
    }, {
      name: "PostedAfter",
      in: "query",
      type: "string",
      format: "date-time",
    }, {
      name: "PostedBefore",
      in: "query",
      type: "string",
      format: "date-time",
    }, { name: "NextToken", in: "query", type: "string" }],
  },
  listFinancialEventsByGroupId: {
    model: "financesV0.json",
    method: "GET",
    path: "/finances/v0/financialEventGroups/{eventGroupId}/financialEvents",
    rate: "0.5",
    burst: 30,
    body: false,
    params: [{
      name: "MaxResultsPerPage",
      in: "query",
      type: "integer",
      format: "int32",
      minimum: 1,
      maximum: 100,
    }, {
      name: "PostedAfter",
      in: "query",
      type: "string",
      format: "date-time",
    }, {
      name: "PostedBefore",
      in: "query",
      type: "string",
      format: "date-time",
    }, {
      name: "eventGroupId",
      in: "path",
      required: true,
      type: "string",
    }, { name: "NextToken", in: "query", type: "string" }],
  },
  listFinancialEventsByOrderId: {
    model: "financesV0.json",
    method: "GET",
    path: "/finances/v0/orders/{orderId}/financialEvents",
    rate: "0.5",
    burst: 30,
    body: false,
    params: [{
      name: "orderId",
      in: "path",
      required: true,
      type: "string",
    }, {
      name: "MaxResultsPerPage",
      in: "query",
      type: "integer",
      format: "int32",
      minimum: 1,
      maximum: 100,
    }, { name: "NextToken", in: "query", type: "string" }],
  },
  createReport: {
    model: "reports_2021-06-30.json",
    method: "POST",
    path: "/reports/2021-06-30/reports",
    rate: "0.0167",
    burst: 15,
    body: true,
    params: [],
  },
  getReports: {
    model: "reports_2021-06-30.json",
    method: "GET",
    path: "/reports/2021-06-30/reports",
    rate: "0.0222",
    burst: 10,
    body: false,
    params: [{
      name: "reportTypes",
      in: "query",
      type: "array",
      maxItems: 10,
      minItems: 1,
    }, {
      name: "processingStatuses",
      in: "query",
      type: "array",
      minItems: 1,
      items: ["CANCELLED", "DONE", "FATAL", "IN_PROGRESS", "IN_QUEUE"],
    }, {
      name: "marketplaceIds",
      in: "query",
      type: "array",
      maxItems: 10,
      minItems: 1,
    }, {
      name: "pageSize",
      in: "query",
      type: "integer",
      minimum: 1,
      maximum: 100,
    }, {
      name: "createdSince",
      in: "query",
      type: "string",
      format: "date-time",
    }, {
      name: "createdUntil",
      in: "query",
      type: "string",
      format: "date-time",
    }, { name: "nextToken", in: "query", type: "string" }],
  },
  getReport: {
    model: "reports_2021-06-30.json",
    method: "GET",
    path: "/reports/2021-06-30/reports/{reportId}",
    rate: "2",
    burst: 15,
    body: false,
    params: [{
      name: "reportId",
      in: "path",
      required: true,
      type: "string",
    }],
  },
  cancelReport: {
    model: "reports_2021-06-30.json",
    method: "DELETE",
    path: "/reports/2021-06-30/reports/{reportId}",
    rate: "0.0222",
    burst: 10,
    body: false,
    params: [{
      name: "reportId",
      in: "path",
      required: true,
      type: "string",
    }],
  },
  getReportDocument: {
    model: "reports_2021-06-30.json",
    method: "GET",
    path: "/reports/2021-06-30/documents/{reportDocumentId}",
    rate: "0.0167",
    burst: 15,
    body: false,
    params: [{
      name: "reportDocumentId",
      in: "path",
      required: true,
      type: "string",
    }, {
      name: "enableContentEncodingUrlHeader",
      in: "query",
      type: "boolean",
    }],
  },
  createRestrictedDataToken: {
    model: "tokens_2021-03-01.json",
    method: "POST",
    path: "/tokens/2021-03-01/restrictedDataToken",
    rate: "1",
    burst: 10,
    body: true,
    params: [],
  },
} as const satisfies Record<string, OperationSpec>;

/** An operationId the sandbox serves. */
export type SpOperationId = keyof typeof SP_OPERATIONS;
