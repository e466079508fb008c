from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsActiveSuperuser
from beautique.exceptions import validation_error_body
from beautique.httpcache import CachedPublicRead
from beautique.parsers import RequestTooLarge
from beautique.schema import ErrorSerializer, ValidationErrorSerializer
from catalog import selectors, services
from catalog.filters import ProductFilter, StaffProductFilter
from catalog.models import Product
from catalog.serializers import (
    BestsellersQuerySerializer,
    BestsellersSerializer,
    CategoryListSerializer,
    CategorySerializer,
    ProductCreateSerializer,
    ProductImagesAddedSerializer,
    ProductImageUploadSerializer,
    ProductSerializer,
    ProductUpdateSerializer,
)
from catalog.services import CATALOG
from catalog.uploads import (
    FileTooLarge,
    ImageStorageError,
    ImageStorageUnavailable,
    ImageUploadParser,
)

PRODUCT_ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The product's UUID."
)


class PublicCatalogView(CachedPublicRead):
    """The public catalog needs no token and ignores any that is sent. Its answers are
    kept until the catalog changes (see `CatalogConfig.ready`)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    cache_namespace = CATALOG


@extend_schema(tags=["catalog"], summary="List active products")
class ProductListView(PublicCatalogView, generics.ListAPIView):
    """Active products, newest first unless `ordering` says otherwise; paginated."""

    serializer_class = ProductSerializer
    filterset_class = ProductFilter

    def get_queryset(self):
        return selectors.public_products()


@extend_schema(tags=["catalog"], summary="One active product", parameters=[PRODUCT_ID_PARAMETER])
class ProductDetailView(PublicCatalogView, generics.RetrieveAPIView):
    """An active product; an inactive or unknown product (or a malformed id) is a 404."""

    serializer_class = ProductSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.public_products()

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise exceptions.NotFound("Product not found.") from None


@extend_schema_view(
    get=extend_schema(
        tags=["catalog"],
        summary="Bestsellers",
        operation_id="products_bestsellers_list",
        parameters=[BestsellersQuerySerializer],
        responses={200: BestsellersSerializer, 422: ValidationErrorSerializer},
    )
)
class BestsellersView(PublicCatalogView, APIView):
    """Active bestsellers, newest first: `{"products": [...]}`."""

    def get(self, request):
        query = BestsellersQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        products = selectors.public_bestsellers(limit=query.validated_data["limit"])
        serializer = ProductSerializer(products, many=True, context={"request": request})
        return Response({"products": serializer.data})


@extend_schema_view(
    get=extend_schema(
        tags=["catalog"],
        summary="Active categories",
        operation_id="categories_list",
        responses=CategoryListSerializer,
    )
)
class CategoryListView(PublicCatalogView, APIView):
    """Active categories in the store's order, each with its number of active products."""

    def get(self, request):
        categories = CategorySerializer(selectors.public_categories(), many=True)
        return Response({"categories": categories.data})


class StaffProductView:
    """The staff product endpoints: any product, active or not (staff token required).

    A product deleted for good while a request about it runs (found by the view, gone
    when the service locks it or when the answer reads it back) is a 404, as if the
    request had come a moment later.
    """

    def handle_exception(self, exc):
        if isinstance(exc, Product.DoesNotExist):
            exc = exceptions.NotFound("Product not found.")
        return super().handle_exception(exc)

    def get_queryset(self):
        return selectors.staff_products()

    def get_product(self, queryset=None) -> Product:
        """The product named in the URL; unknown or malformed ids are a 404."""
        if queryset is None:
            queryset = Product.objects.all()
        try:
            return generics.get_object_or_404(queryset, pk=self.kwargs["pk"])
        except Http404:
            raise exceptions.NotFound("Product not found.") from None

    def product_data(self, product: Product) -> dict:
        """The product as the API shows it, read back with what the serializer needs."""
        fresh = self.get_queryset().get(pk=product.pk)
        return ProductSerializer(fresh, context={"request": self.request}).data


@extend_schema_view(
    get=extend_schema(summary="List every product (staff)"),
    post=extend_schema(
        summary="Create a product",
        request=ProductCreateSerializer,
        responses={201: ProductSerializer},
    ),
)
@extend_schema(tags=["staff: products"])
class StaffProductListView(StaffProductView, generics.ListAPIView):
    """Every product, active or not, with the public filters plus `is_active`; paginated."""

    serializer_class = ProductSerializer
    filterset_class = StaffProductFilter

    def post(self, request):
        body = ProductCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        product = services.create_product(data=body.validated_data)
        return Response(self.product_data(product), status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(summary="One product (staff)"),
    put=extend_schema(
        summary="Change a product",
        description="Any subset of the fields, like PATCH: the rules apply to the stored "
        "product merged with the body. `is_active: true` restores a soft-deleted product; "
        "`images` replaces the image list.",
        request=ProductUpdateSerializer,
        responses={200: ProductSerializer},
    ),
    patch=extend_schema(
        summary="Change a product",
        description="Any subset of the fields (the same as PUT).",
        request=ProductUpdateSerializer,
        responses={200: ProductSerializer},
    ),
    delete=extend_schema(
        summary="Soft delete a product",
        description="Hides the product from customers (`is_active` false); staff still see it "
        "and `is_active: true` restores it.",
        responses={204: None},
    ),
)
@extend_schema(tags=["staff: products"], parameters=[PRODUCT_ID_PARAMETER])
class StaffProductDetailView(StaffProductView, generics.RetrieveAPIView):
    """Read, change or soft delete any product."""

    serializer_class = ProductSerializer
    filter_backends = []

    def get_object(self):
        return self.get_product(self.get_queryset())

    def put(self, request, pk):
        product = self.get_product()
        body = ProductUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        product = services.update_product(product=product, data=body.validated_data)
        return Response(self.product_data(product))

    patch = put

    def delete(self, request, pk):
        services.deactivate_product(product=self.get_product())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["staff: products"],
    summary="Delete a product permanently",
    description="Removes the product and its images; orders keep their snapshot of it. "
    "Superusers only, as in the Django admin: other staff soft delete.",
    parameters=[PRODUCT_ID_PARAMETER],
    responses={204: None},
)
class StaffProductPermanentDeleteView(StaffProductView, APIView):
    permission_classes = [IsActiveSuperuser]

    def delete(self, request, pk):
        services.delete_product(product=self.get_product())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["staff: products"],
    summary="Upload product images",
    description="Appends 1-10 image files (JPEG, PNG, WebP or GIF, checked by decoding them; "
    "at most 5 MB each) to the product's images, all or nothing. A file over the size limit, "
    "or a request over the total limit, is a 413; any other bad file, or more than 10 images "
    "on the product, is a 422 naming the file (`images.0`).",
    parameters=[PRODUCT_ID_PARAMETER],
    request={"multipart/form-data": ProductImageUploadSerializer},
    responses={
        201: ProductImagesAddedSerializer,
        413: ErrorSerializer,
        415: ErrorSerializer,
        422: ValidationErrorSerializer,
        503: ErrorSerializer,
    },
)
class StaffProductImagesView(StaffProductView, APIView):
    parser_classes = [ImageUploadParser]

    def post(self, request, pk):
        product = self.get_product()
        field = "files" if "files" in request.data and "images" not in request.data else "images"
        if request.POST.getlist(field):
            raise exceptions.ValidationError({field: ["Attach image files, not text."]})
        try:
            images = services.add_product_images(
                product=product, files=request.FILES.getlist(field), field=field
            )
        except FileTooLarge as exc:
            raise RequestTooLarge(validation_error_body(exc.message_dict)["detail"]) from exc
        except ImageStorageError as exc:
            raise ImageStorageUnavailable() from exc
        return Response(
            {
                "images": [request.build_absolute_uri(image.src) for image in images],
                "product": self.product_data(product),
            },
            status=status.HTTP_201_CREATED,
        )
