-- The CRM contact ids on a deal (contact roles / associations), from which its DealContact rows are built.
ALTER TABLE "Deal" ADD COLUMN "crmContactIds" TEXT[] DEFAULT ARRAY[]::TEXT[];
