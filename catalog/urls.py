from beautique.routing import route
from catalog import views

urlpatterns = [
    route("products", views.ProductListView.as_view(), name="product-list"),
    # Before the `{id}` route, which would otherwise take "bestsellers" as an id.
    route("products/bestsellers", views.BestsellersView.as_view(), name="product-bestsellers"),
    route("products/(?P<pk>[^/]+)", views.ProductDetailView.as_view(), name="product-detail"),
    route("categories", views.CategoryListView.as_view(), name="category-list"),
    route("admin/products", views.StaffProductListView.as_view(), name="staff-product-list"),
    route(
        "admin/products/(?P<pk>[^/]+)",
        views.StaffProductDetailView.as_view(),
        name="staff-product-detail",
    ),
    route(
        "admin/products/(?P<pk>[^/]+)/permanent",
        views.StaffProductPermanentDeleteView.as_view(),
        name="staff-product-delete-permanently",
    ),
    route(
        "admin/products/(?P<pk>[^/]+)/images",
        views.StaffProductImagesView.as_view(),
        name="staff-product-images",
    ),
]
